package bench

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	obson "go.mongodb.org/mongo-driver/v2/bson"

	"github.com/torque-go/torque/bson"
)

// Driver is what the driver-level tasks need from a driver, so that each
// task is written once. An adapter uses its driver the way an application
// would: documents are the driver's own ordered documents (bson.D), found
// documents are decoded into bson.D. Database "perftest", collection
// "corpus" for writes and "tweets" for reads (see Env).
type Driver interface {
	// Doc converts a document into what InsertOne takes (done in setup).
	Doc(raw bson.Raw) (any, error)
	// Docs makes what InsertMany takes: n copies of raw, as a []any
	// holding the driver's bson.D values.
	Docs(raw bson.Raw, n int) (any, error)
	Hello(ctx context.Context) error // runs {hello: true}, reads the reply
	FindOne(ctx context.Context, id bson.ObjectID) error
	FindAll(ctx context.Context) (int, error) // decodes every document into a list
	InsertOne(ctx context.Context, doc any) error
	InsertMany(ctx context.Context, docs any) error
	// Reset drops the collection and creates it again, empty.
	Reset(ctx context.Context) error
	Close(ctx context.Context) error
}

// official adapts the official driver, go.mongodb.org/mongo-driver/v2.
type official struct {
	client *mongo.Client
	db     *mongo.Database
	coll   *mongo.Collection // corpus: the write tasks
	tweets *mongo.Collection // the read tasks
}

// OpenOfficial connects the official driver to uri.
func OpenOfficial(ctx context.Context, uri string) (Driver, error) {
	c, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return nil, err
	}
	if err := c.Ping(ctx, nil); err != nil {
		c.Disconnect(ctx)
		return nil, err
	}
	db := c.Database("perftest")
	return &official{client: c, db: db, coll: db.Collection("corpus"), tweets: db.Collection("tweets")}, nil
}

func (o *official) Doc(raw bson.Raw) (any, error) {
	var d obson.D
	err := obson.Unmarshal(raw, &d)
	return d, err
}

func (o *official) Docs(raw bson.Raw, n int) (any, error) {
	docs := make([]any, n)
	for i := range docs {
		var d obson.D
		if err := obson.Unmarshal(raw, &d); err != nil {
			return nil, err
		}
		docs[i] = d
	}
	return docs, nil
}

func (o *official) Hello(ctx context.Context) error {
	_, err := o.db.RunCommand(ctx, obson.D{{Key: "hello", Value: true}}).Raw()
	return err
}

func (o *official) FindOne(ctx context.Context, id bson.ObjectID) error {
	var d obson.D
	return o.tweets.FindOne(ctx, obson.D{{Key: "_id", Value: obson.ObjectID(id)}}).Decode(&d)
}

func (o *official) FindAll(ctx context.Context) (int, error) {
	cur, err := o.tweets.Find(ctx, obson.D{})
	if err != nil {
		return 0, err
	}
	var docs []obson.D
	err = cur.All(ctx, &docs)
	return len(docs), err
}

func (o *official) InsertOne(ctx context.Context, doc any) error {
	_, err := o.coll.InsertOne(ctx, doc)
	return err
}

func (o *official) InsertMany(ctx context.Context, docs any) error {
	_, err := o.coll.InsertMany(ctx, docs)
	return err
}

func (o *official) Reset(ctx context.Context) error {
	if err := o.coll.Drop(ctx); err != nil {
		return err
	}
	return o.db.CreateCollection(ctx, "corpus")
}

func (o *official) Close(ctx context.Context) error { return o.client.Disconnect(ctx) }
