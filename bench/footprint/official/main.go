// Command official connects with the official Go driver, inserts one
// document and finds it back: the footprint program for the official
// driver (its twin is ../torque).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func main() {
	uri := flag.String("uri", envOr("MONGODB_URI", "mongodb://localhost:27017"), "server URI")
	flag.Parse()
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI(*uri))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Disconnect(ctx)
	coll := client.Database("footprint").Collection("docs")
	res, err := coll.InsertOne(ctx, bson.D{{Key: "name", Value: "torque"}, {Key: "n", Value: 1}})
	if err != nil {
		log.Fatal(err)
	}
	var found bson.D
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: res.InsertedID}}).Decode(&found); err != nil {
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
