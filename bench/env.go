package bench

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/torque-go/torque/bson"
)

// Env is one server with a client of each driver connected to it: the
// setting of the driver-level tasks. The read tasks use the collection
// perftest.tweets, seeded once with NumTweets copies of the tweet under
// ObjectID _ids; the write tasks use perftest.corpus, dropped and created
// again before each run (the spec uses corpus for both, one task at a time;
// two collections spare re-seeding).
//
// FerretDB's SQLite backend cannot push an integer _id filter down to the
// database, so find-by-_id on the spec's sequential integer ids scans the
// collection; the tweets get ObjectID _ids instead, which it looks up
// directly.
type Env struct {
	Server string // "mock" or "ferretdb"
	URI    string

	data *Data
	ids  []bson.ObjectID // the _ids of the seeded tweets

	torque, official       Driver
	torqueErr, officialErr error
	stop                   func() error
}

// NumTweets is how many tweets the read tasks find among (the spec's 10,000).
const NumTweets = 10_000

// newEnv connects both drivers to uri and seeds the tweets with the
// official driver. A driver that cannot connect fails its tasks only.
func newEnv(ctx context.Context, server, uri string, data *Data, stop func() error) (*Env, error) {
	e := &Env{Server: server, URI: uri, data: data, stop: stop}
	e.official, e.officialErr = OpenOfficial(ctx, uri)
	e.torque, e.torqueErr = OpenTorque(ctx, uri)
	e.ids = make([]bson.ObjectID, NumTweets)
	for i := range e.ids {
		e.ids[i] = bson.NewObjectID()
	}
	if server == "ferretdb" && e.officialErr == nil {
		if err := e.seed(ctx); err != nil {
			e.Close()
			return nil, fmt.Errorf("seeding %s: %w", server, err)
		}
	}
	return e, nil
}

// seed stores the tweets, in batches of 1,000.
func (e *Env) seed(ctx context.Context) error {
	o := e.official.(*official)
	if err := o.tweets.Drop(ctx); err != nil {
		return err
	}
	for start := 0; start < len(e.ids); start += 1000 {
		var docs []any
		for _, id := range e.ids[start:min(start+1000, len(e.ids))] {
			doc, err := o.Doc(withID(e.data.Tweet, id))
			if err != nil {
				return err
			}
			docs = append(docs, doc)
		}
		if _, err := o.tweets.InsertMany(ctx, docs); err != nil {
			return err
		}
	}
	return nil
}

// withID returns doc with _id: id as its first field.
func withID(doc bson.Raw, id bson.ObjectID) bson.Raw {
	start, out := bson.AppendDocumentStart(nil)
	out = bson.AppendObjectIDElement(out, "_id", id)
	out = append(out, doc[4:len(doc)-1]...)
	out, _ = bson.AppendDocumentEnd(out, start)
	return out
}

// Tasks returns the single-document, multi-document and parallel tasks
// against this server, plus the raw-socket floor.
func (e *Env) Tasks(ctx context.Context) []Task {
	tasks := e.singleTasks(ctx)
	tasks = append(tasks, e.multiTasks(ctx)...)
	return append(tasks, e.parallelTasks(ctx)...)
}

// task makes a Task whose body is written once and run with each driver.
func (e *Env) task(name, group string, size int64, body func(d Driver) func(*testing.B) error) Task {
	with := func(d Driver, err error) func(*testing.B) error {
		return func(b *testing.B) error {
			if err != nil {
				return err
			}
			return body(d)(b)
		}
	}
	return Task{Name: e.Server + "/" + name, Group: group, Server: e.Server, Bytes: size,
		Torque: with(e.torque, e.torqueErr), Official: with(e.official, e.officialErr)}
}

// Close disconnects the drivers and stops the server if the Env started it.
func (e *Env) Close() error {
	ctx := context.Background()
	var errs []error
	for _, d := range []Driver{e.torque, e.official} {
		if d != nil {
			errs = append(errs, d.Close(ctx))
		}
	}
	if e.stop != nil {
		errs = append(errs, e.stop())
	}
	return errors.Join(errs...)
}

// StartMock starts a NullServer that answers finds with the tweet and
// connects both drivers to it.
func StartMock(ctx context.Context, data *Data) (*Env, error) {
	s, err := NewNullServer(withID(data.Tweet, bson.NewObjectID()), NumTweets)
	if err != nil {
		return nil, err
	}
	return newEnv(ctx, "mock", s.URI(), data, s.Close)
}
