// Command torque connects with torque, inserts one document and finds it
// back: the footprint program for torque (its twin is ../official).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

func main() {
	uri := flag.String("uri", envOr("MONGODB_URI", "mongodb://localhost:27017"), "server URI")
	flag.Parse()
	ctx := context.Background()
	c, err := client.Connect(ctx, *uri)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Disconnect(ctx)
	coll := c.Database("footprint").Collection("docs")
	res, err := coll.InsertOne(ctx, bson.D{bson.KV("name", "torque"), bson.KV("n", 1)})
	if err != nil {
		log.Fatal(err)
	}
	var found bson.D
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", res.InsertedID)}).Decode(&found); err != nil {
		log.Fatal(err)
	}
	fmt.Println(found)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
