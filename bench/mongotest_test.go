package bench

import (
	"context"
	"errors"
	"testing"
	"time"

	obson "go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/torque-go/torque/mongotest"
)

// TestOfficialDriverAgainstMongotest: another driver (the official Go
// driver, which shares no code with torque) connects to mongotest and
// runs a few operations, checked against what MongoDB answers.
func TestOfficialDriverAgainstMongotest(t *testing.T) {
	srv := mongotest.New(t, mongotest.Options{Users: []mongotest.User{{Name: "ada", Password: "pencil"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := options.Client().ApplyURI(srv.URI()).SetCompressors([]string{"zstd"}).
		SetAuth(options.Credential{Username: "ada", Password: "pencil"})
	c, err := mongo.Connect(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(ctx)
	coll := c.Database("app").Collection("people")
	if _, err := coll.InsertMany(ctx, []any{obson.D{{Key: "_id", Value: 1}, {Key: "name", Value: "Ada"}},
		obson.D{{Key: "_id", Value: 2}, {Key: "name", Value: "Grace"}}}); err != nil {
		t.Fatal(err)
	}
	var got struct{ Name string }
	if err := coll.FindOne(ctx, obson.D{{Key: "_id", Value: 2}}).Decode(&got); err != nil || got.Name != "Grace" {
		t.Errorf("FindOne = %+v, %v", got, err)
	}
	_, err = coll.InsertOne(ctx, obson.D{{Key: "_id", Value: 1}})
	if !mongo.IsDuplicateKeyError(err) {
		t.Errorf("duplicate _id: %v", err)
	}
	cur, err := coll.Find(ctx, obson.D{}, options.Find().SetBatchSize(1).SetSort(obson.D{{Key: "name", Value: -1}}))
	if err != nil {
		t.Fatal(err)
	}
	var all []obson.M
	if err := cur.All(ctx, &all); err != nil || len(all) != 2 || all[0]["name"] != "Grace" {
		t.Errorf("Find = %v, %v", all, err)
	}
	res, err := coll.DeleteOne(ctx, obson.D{{Key: "name", Value: "Ada"}})
	if err != nil || res.DeletedCount != 1 {
		t.Errorf("DeleteOne = %+v, %v", res, err)
	}
	n, err := coll.EstimatedDocumentCount(ctx)
	if err != nil || n != 1 {
		t.Errorf("EstimatedDocumentCount = %d, %v", n, err)
	}
	up, err := coll.UpdateOne(ctx, obson.D{{Key: "_id", Value: 2}}, obson.D{{Key: "$push", Value: obson.D{{Key: "tags", Value: "navy"}}}})
	if err != nil || up.ModifiedCount != 1 {
		t.Errorf("UpdateOne = %+v, %v", up, err)
	}
	// Unauthenticated, the server refuses.
	anon, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer anon.Disconnect(ctx)
	_, err = anon.Database("app").Collection("people").InsertOne(ctx, obson.D{})
	var ce mongo.CommandError
	if !errors.As(err, &ce) || ce.Code != 13 {
		t.Errorf("unauthenticated: %v", err)
	}
}
