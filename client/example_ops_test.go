package client_test

import (
	"context"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// RunCommandCursor reads any command whose reply is a cursor, here a
// find with a small first batch, fetching the rest with getMore; a view
// made with CreateView is read like a collection. Against mongotest, the
// in-process test server.
func ExampleDatabase_RunCommandCursor() {
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

	db := c.Database("shop")
	if _, err := db.Collection("items").InsertMany(ctx, []any{
		bson.D{bson.KV("_id", 1), bson.KV("qty", 5)}, bson.D{bson.KV("_id", 2), bson.KV("qty", 0)},
		bson.D{bson.KV("_id", 3), bson.KV("qty", 2)}}); err != nil {
		fmt.Println(err)
		return
	}
	inStock := bson.A{bson.D{bson.KV("$match", bson.D{bson.KV("qty", bson.D{bson.KV("$gt", 0)})})}}
	if err := db.CreateView(ctx, "inStock", "items", inStock); err != nil {
		fmt.Println(err)
		return
	}
	cur, err := db.RunCommandCursor(ctx, bson.D{bson.KV("find", "inStock"), bson.KV("batchSize", 1)})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cur.Close(ctx)
	fmt.Println("first batch:", cur.RemainingBatchLength())
	for cur.Next(ctx) {
		fmt.Println(cur.Current)
	}
	fmt.Println(cur.Err())
	// Output:
	// first batch: 1
	// {"_id":1,"qty":5}
	// {"_id":3,"qty":2}
	// <nil>
}

// UseSession starts a session, runs the function with a context that
// carries it and ends it afterwards.
func ExampleClient_UseSession() {
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

	notes := c.Database("app").Collection("notes")
	err = c.UseSession(ctx, func(ctx context.Context, s *client.Session) error {
		if _, err := notes.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
			return err
		}
		_, err := notes.UpdateByID(ctx, 1, bson.D{bson.KV("$set", bson.D{bson.KV("text", "hi")})})
		fmt.Println("sessions in progress:", c.NumberSessionsInProgress())
		return err
	})
	fmt.Println(err, "- after UseSession:", c.NumberSessionsInProgress())
	// Output:
	// sessions in progress: 1
	// <nil> - after UseSession: 0
}
