package mongotest_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
)

// TestRetryableWritesThroughFailover: in each seeded trial the primary
// applies a retryable write, then a failover happens (it steps down,
// another member is elected) and the connection closes before the
// answer. The driver retries on the new primary with the same
// txnNumber, which answers from the replicated memory of the session:
// every write is applied exactly once (an insert, an $inc, a
// findOneAndUpdate $inc).
func TestRetryableWritesThroughFailover(t *testing.T) {
	defer leakcheck.Check(t)
	// 10 replica sets side by side, 100 trials each (10 with -short): a
	// failover costs a member's monitor its 500ms rest, so the sets wait
	// in parallel.
	per := 100
	if testing.Short() {
		per = 10
	}
	errs := make([]error, 10)
	var wg sync.WaitGroup
	for set := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[set] = failoverTrials(uint64(set), per)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// failoverTrials runs n trials on a replica set of its own, seeded.
func failoverTrials(seed uint64, trials int) (err error) {
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{Members: 5})
	if err != nil {
		return err
	}
	defer rs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		return err
	}
	defer c.Disconnect(context.Background())
	coll := c.Database("db").Collection("failover")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", "counter"), bson.KV("n", 0)}); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 12))
	incs, last := 0, -1
	for i := 0; i < trials; i++ {
		p := rs.Primary()
		// The new primary is any member but the last two primaries: their
		// monitors rest minHeartbeatFrequency (500ms) after the closed
		// connection, which would only slow the test down.
		next := p
		for next == p || next == last {
			next = rng.IntN(5)
		}
		last = p
		var failovers atomic.Int32
		rs.FailCommand(p, mongotest.FailPoint{Name: "onPrimaryTransactionalWrite", CloseConnection: true, Times: 1,
			Then: func() {
				failovers.Add(1)
				rs.StepDown()
				if err := rs.Elect(next); err != nil {
					panic(err) // next is a data-bearing member: never
				}
			}})
		switch kind := rng.IntN(3); kind {
		case 0:
			_, err = coll.InsertOne(ctx, bson.D{bson.KV("_id", i)})
		case 1:
			_, err = coll.UpdateOne(ctx, bson.D{bson.KV("_id", "counter")}, bson.D{bson.KV("$inc", bson.D{bson.KV("n", 1)})})
			incs++
		default:
			err = coll.FindOneAndUpdate(ctx, bson.D{bson.KV("_id", "counter")},
				bson.D{bson.KV("$inc", bson.D{bson.KV("n", 1)})}).Err()
			incs++
		}
		if err != nil {
			return fmt.Errorf("set %d, trial %d: %w", seed, i, err)
		}
		if failovers.Load() != 1 || rs.Primary() != next {
			return fmt.Errorf("set %d, trial %d: %d failovers, primary %d, want 1 and %d", seed, i, failovers.Load(), rs.Primary(), next)
		}
	}
	var counter struct{ N int }
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", "counter")}).Decode(&counter); err != nil {
		return err
	}
	if counter.N != incs {
		return fmt.Errorf("set %d: counter = %d after %d increments", seed, counter.N, incs)
	}
	total, err := coll.CountDocuments(ctx, bson.D{})
	if err != nil {
		return err
	}
	if want := int64(trials - incs + 1); total != want {
		return fmt.Errorf("set %d: %d documents, want %d (each insert once, and the counter)", seed, total, want)
	}
	return nil
}

// TestChangeStreamThroughFailovers: a change stream delivers every event
// once and in order through 10 failovers, each killing the primary that
// holds its cursor (the driver resumes on the new one with the resume
// token; the members share the oplog).
func TestChangeStreamThroughFailovers(t *testing.T) {
	defer leakcheck.Check(t)
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{Members: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	coll := c.Database("db").Collection("stream")
	cs, err := coll.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(context.Background())
	for i := range 10 {
		if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", i)}); err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
		p := rs.Primary()
		if err := rs.Kill(p); err != nil {
			t.Fatal(err)
		}
		if err := rs.Elect((p + 1) % 3); err != nil {
			t.Fatal(err)
		}
		if err := rs.Restart(p); err != nil {
			t.Fatal(err)
		}
		if !cs.Next(ctx) {
			t.Fatalf("event %d: %v", i, cs.Err())
		}
		var ev struct {
			OperationType string `bson:"operationType"`
			DocumentKey   struct {
				ID int `bson:"_id"`
			} `bson:"documentKey"`
		}
		if err := cs.Decode(&ev); err != nil {
			t.Fatal(err)
		}
		if ev.OperationType != "insert" || ev.DocumentKey.ID != i {
			t.Fatalf("event %d: %s of %d", i, ev.OperationType, ev.DocumentKey.ID)
		}
	}
	if cs.Resumes() < 10 {
		t.Errorf("the stream resumed %d times through 10 failovers", cs.Resumes())
	}
	// Nothing more: no event came twice.
	if cs.TryNext(ctx) {
		t.Errorf("an extra event: %s", cs.Current)
	}
}
