package client_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// One rule wherever order matters: a map with more than one key is an
// error before anything is sent; a one-key map is fine.
func TestUnorderedMapsRefusedWhereOrderMatters(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Log().Commands())
	two := bson.M{"a": 1, "b": -1}
	cases := map[string]func() error{
		"find sort": func() error { _, err := coll.Find(ctx, bson.D{}, client.FindOptions{Sort: two}); return err },
		"find sort *map": func() error {
			m := map[string]int{"a": 1, "b": -1}
			_, err := coll.Find(ctx, bson.D{}, client.FindOptions{Sort: &m})
			return err
		},
		"findOne sort": func() error { return coll.FindOne(ctx, bson.D{}, client.FindOneOptions{Sort: two}).Err() },
		"find hint":    func() error { _, err := coll.Find(ctx, bson.D{}, client.FindOptions{Hint: two}); return err },
		"find min":     func() error { _, err := coll.Find(ctx, bson.D{}, client.FindOptions{Min: two}); return err },
		"findOneAndUpdate sort": func() error {
			return coll.FindOneAndUpdate(ctx, bson.D{}, bson.D{bson.KV("$set", bson.D{bson.KV("x", 1)})},
				client.FindOneAndUpdateOptions{Sort: two}).Err()
		},
		"update hint": func() error {
			_, err := coll.UpdateOne(ctx, bson.D{}, bson.D{bson.KV("$set", bson.D{bson.KV("x", 1)})}, client.UpdateOptions{Hint: two})
			return err
		},
		"$sort stage": func() error {
			_, err := coll.Aggregate(ctx, bson.A{bson.D{bson.KV("$sort", two)}})
			return err
		},
		"$sort stage in a bson.M": func() error {
			_, err := coll.Aggregate(ctx, []bson.M{{"$sort": two}})
			return err
		},
		"computed $project": func() error {
			_, err := coll.Aggregate(ctx, bson.A{bson.M{"$project": bson.M{"full": bson.M{"$concat": bson.A{"$a", "$b"}}, "a": 1}}})
			return err
		},
		"two-stage map": func() error {
			_, err := coll.Aggregate(ctx, bson.A{bson.M{"$match": bson.M{}, "$limit": 1}})
			return err
		},
		"index keys": func() error {
			_, err := coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: two})
			return err
		},
		"command": func() error {
			return c.Database("test").RunCommand(ctx, bson.M{"count": "c", "query": bson.M{}}).Err()
		},
		"watch $sort": func() error {
			_, err := coll.Watch(ctx, bson.A{bson.D{bson.KV("$sort", two)}})
			return err
		},
	}
	for name, f := range cases {
		err := f()
		if err == nil || !strings.Contains(err.Error(), "which has no order: use bson.D") {
			t.Errorf("%s: %v, want the no-order error", name, err)
		}
	}
	if after := srv.Log().Commands(); len(after) != before {
		t.Errorf("unordered maps sent %d commands: %v", len(after)-before, after[before:])
	}
	// One key has an order; an inclusion $project's order does not matter.
	one := bson.M{"a": 1}
	if _, err := coll.Find(ctx, bson.D{}, client.FindOptions{Sort: one, Projection: bson.M{"a": 1, "b": 1}}); err != nil {
		t.Errorf("one-key sort: %v", err)
	}
	srv.Queue("aggregate", mockserver.CursorReply("test.c", 0))
	if _, err := coll.Aggregate(ctx, bson.A{bson.M{"$sort": one}, bson.M{"$project": bson.M{"a": 1, "b": true}}}); err != nil {
		t.Errorf("one-key $sort, inclusion $project: %v", err)
	}
	if err := c.Database("test").RunCommand(ctx, bson.M{"ping": 1}).Err(); err != nil {
		t.Errorf("one-key command: %v", err)
	}
}

// After Close, Next, TryNext, All, ToList and Iter report ErrCursorClosed.
func TestCursorClosedIsAnError(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	d := func(i int) bson.Raw { return mockserver.Doc(bson.KV("i", i)) }
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	open := func() *client.Cursor {
		srv.Queue("find", mockserver.CursorReply("test.c", 0, d(1), d(2)))
		cur, err := coll.Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if err := cur.Close(ctx); err != nil {
			t.Fatal(err)
		}
		return cur
	}
	cur := open()
	if cur.Next(ctx) || !errors.Is(cur.Err(), client.ErrCursorClosed) {
		t.Errorf("Next after Close: err %v", cur.Err())
	}
	cur = open()
	if cur.TryNext(ctx) || !errors.Is(cur.Err(), client.ErrCursorClosed) {
		t.Errorf("TryNext after Close: err %v", cur.Err())
	}
	var all []bson.M
	if err := open().All(ctx, &all); !errors.Is(err, client.ErrCursorClosed) {
		t.Errorf("All after Close: %v", err)
	}
	if _, err := open().ToList(ctx, 5); !errors.Is(err, client.ErrCursorClosed) {
		t.Errorf("ToList after Close: %v", err)
	}
	var iterErr error
	for _, err := range open().Iter(ctx) {
		iterErr = err
	}
	if !errors.Is(iterErr, client.ErrCursorClosed) {
		t.Errorf("Iter after Close: %v", iterErr)
	}
	// Breaking out of Iter leaves the cursor open: Next goes on.
	srv.Queue("find", mockserver.CursorReply("test.c", 0, d(1), d(2)))
	cur, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	for range cur.Iter(ctx) {
		break
	}
	if !cur.Next(ctx) || cur.Err() != nil {
		t.Errorf("Next after a break: %v", cur.Err())
	}
}
