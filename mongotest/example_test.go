package mongotest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// A server for a program (in a test, mongotest.New(t) closes it for you):
// connect, insert, query, update.
func Example() {
	srv, err := mongotest.Start(mongotest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, srv.URI())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Disconnect(ctx)

	people := c.Database("app").Collection("people")
	_, err = people.InsertMany(ctx, []any{
		bson.D{bson.KV("_id", 1), bson.KV("name", "Ada"), bson.KV("born", 1815)},
		bson.D{bson.KV("_id", 2), bson.KV("name", "Grace"), bson.KV("born", 1906)},
		bson.D{bson.KV("_id", 3), bson.KV("name", "Edsger"), bson.KV("born", 1930)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := people.UpdateOne(ctx, bson.D{bson.KV("name", "Grace")},
		bson.D{bson.KV("$set", bson.D{bson.KV("name", "Grace Hopper")})})
	fmt.Println("modified:", res.ModifiedCount, err)

	cur, err := people.Find(ctx, bson.D{bson.KV("born", bson.D{bson.KV("$gt", 1900)})},
		client.FindOptions{Sort: bson.D{bson.KV("born", -1)}, Projection: bson.D{bson.KV("_id", 0), bson.KV("name", 1)}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for cur.Next(ctx) {
		var p struct{ Name string }
		if err := cur.Decode(&p); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(p.Name)
	}
	// Output:
	// modified: 1 <nil>
	// Edsger
	// Grace Hopper
}

// A unique index refuses a second document with the same key, with the
// duplicate-key error MongoDB sends.
func Example_uniqueIndex() {
	srv, err := mongotest.Start(mongotest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, srv.URI())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Disconnect(ctx)

	users := c.Database("app").Collection("users")
	name, err := users.Indexes().CreateOne(ctx, client.IndexModel{
		Keys: bson.D{bson.KV("email", 1)}, Options: client.IndexOptions{Unique: true}})
	fmt.Println("index:", name, err)
	_, err = users.InsertOne(ctx, bson.D{bson.KV("email", "ada@example.com")})
	fmt.Println("first:", err)
	_, err = users.InsertOne(ctx, bson.D{bson.KV("email", "ada@example.com")})
	fmt.Println("duplicate:", client.IsDuplicateKey(err))
	var we *client.WriteException
	if errors.As(err, &we) {
		fmt.Println(we.WriteErrors[0].Message)
	}
	// Output:
	// index: email_1 <nil>
	// first: <nil>
	// duplicate: true
	// E11000 duplicate key error collection: app.users index: email_1 dup key: { email: "ada@example.com" }
}

// With users, every connection authenticates (SCRAM-SHA-256 here).
func Example_authentication() {
	srv, err := mongotest.Start(mongotest.Options{Users: []mongotest.User{{Name: "ada", Password: "pencil"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	c, err := client.Connect(ctx, srv.URI(), client.Options{Auth: &client.Credential{Username: "ada", Password: "pencil"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Disconnect(ctx)
	fmt.Println("ping:", c.Ping(ctx))

	anon, err := client.Connect(ctx, srv.URI())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer anon.Disconnect(ctx)
	_, err = anon.Database("app").Collection("x").InsertOne(ctx, bson.D{bson.KV("a", 1)})
	var ce *client.CommandError
	if errors.As(err, &ce) {
		fmt.Println(ce.CodeName)
	}
	// Output:
	// ping: <nil>
	// Unauthorized
}
