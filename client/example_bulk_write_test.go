package client_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// Client.BulkWrite writes to several collections in one bulkWrite command
// (MongoDB 8.0; here mongotest). A failed write comes back by its model's
// index, with what was done before it.
func ExampleClient_BulkWrite() {
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

	models := []client.ClientWriteModel{
		{Database: "shop", Collection: "orders", Model: client.InsertOneModel{Document: bson.D{bson.KV("_id", 1), bson.KV("item", "tea")}}},
		{Database: "shop", Collection: "stock", Model: client.UpdateOneModel{Filter: bson.D{bson.KV("_id", "tea")},
			Update: bson.D{bson.KV("$inc", bson.D{bson.KV("n", -1)})}, Upsert: true}},
		{Database: "audit", Collection: "log", Model: client.InsertOneModel{Document: bson.D{bson.KV("order", 1)}}},
		{Database: "shop", Collection: "orders", Model: client.InsertOneModel{Document: bson.D{bson.KV("_id", 1)}}},
	}
	res, err := c.BulkWrite(ctx, models, client.ClientBulkWriteOptions{VerboseResults: true})
	var ex *client.ClientBulkWriteException
	if errors.As(err, &ex) {
		fmt.Println("write error at model 3:", ex.WriteErrors[3].Code)
	}
	fmt.Println("inserted:", res.InsertedCount, "upserted:", res.UpsertedCount)
	fmt.Println("upserted _id:", res.UpdateResults[1].UpsertedID)
	// Output:
	// write error at model 3: 11000
	// inserted: 2 upserted: 1
	// upserted _id: tea
}
