package bench

import (
	"context"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// torque adapts torque's client package, used as the official one is in
// drivers.go.
type torque struct {
	client *client.Client
	db     *client.Database
	coll   *client.Collection // corpus: the write tasks
	tweets *client.Collection // the read tasks
}

// OpenTorque connects torque's client to uri.
func OpenTorque(ctx context.Context, uri string) (Driver, error) {
	c, err := client.Connect(ctx, uri)
	if err != nil {
		return nil, err
	}
	if err := c.Ping(ctx); err != nil {
		c.Disconnect(ctx)
		return nil, err
	}
	db := c.Database("perftest")
	return &torque{client: c, db: db, coll: db.Collection("corpus"), tweets: db.Collection("tweets")}, nil
}

func (t *torque) Doc(raw bson.Raw) (any, error) {
	var d bson.D
	err := bson.Unmarshal(raw, &d)
	return d, err
}

func (t *torque) Docs(raw bson.Raw, n int) (any, error) {
	docs := make([]any, n)
	for i := range docs {
		var d bson.D
		if err := bson.Unmarshal(raw, &d); err != nil {
			return nil, err
		}
		docs[i] = d
	}
	return docs, nil
}

func (t *torque) Hello(ctx context.Context) error {
	_, err := t.db.RunCommand(ctx, bson.D{bson.KV("hello", true)}).Raw()
	return err
}

func (t *torque) FindOne(ctx context.Context, id bson.ObjectID) error {
	var d bson.D
	return t.tweets.FindOne(ctx, bson.D{bson.KV("_id", id)}).Decode(&d)
}

func (t *torque) FindAll(ctx context.Context) (int, error) {
	cur, err := t.tweets.Find(ctx, bson.D{})
	if err != nil {
		return 0, err
	}
	var docs []bson.D
	err = cur.All(ctx, &docs)
	return len(docs), err
}

func (t *torque) InsertOne(ctx context.Context, doc any) error {
	_, err := t.coll.InsertOne(ctx, doc)
	return err
}

func (t *torque) InsertMany(ctx context.Context, docs any) error {
	_, err := t.coll.InsertMany(ctx, docs.([]any))
	return err
}

func (t *torque) Reset(ctx context.Context) error {
	if err := t.coll.Drop(ctx); err != nil {
		return err
	}
	return t.db.CreateCollection(ctx, "corpus")
}

func (t *torque) Close(ctx context.Context) error { return t.client.Disconnect(ctx) }
