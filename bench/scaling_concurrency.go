package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
	obson "go.mongodb.org/mongo-driver/v2/bson"
)

// scaleConcurrency: find one by _id from 1 to 1,000 goroutines at once,
// on pools of 10 and 100 connections: operations per second and the
// 50th and 99th percentile latency of one find.
func scaleConcurrency(ctx context.Context, o ScalingOptions) (*scalingTable, error) {
	gs := []float64{1, 10, 100, 1000}
	pools := []int{10, 100}
	if o.Quick {
		gs, pools = []float64{1, 20}, []int{10}
	}
	t := &scalingTable{title: "Concurrency: find one by _id from many goroutines", file: "scaling-concurrency",
		note: fmt.Sprintf("NullServer, the tweet-sized document; each goroutine finds in a loop for %v. Operations per "+
			"second over all goroutines, and the p50 / p99 latency of one find (checkout wait included).", o.RunTime),
		x: "goroutines", xs: gs, xfmt: fmtRound, plotY: "finds per second"}
	id := bson.NewObjectID()
	doc := scalingDoc(id, 1000)
	srv, err := NewNullServer(doc, 1)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	var plot []int
	for _, pool := range pools {
		tc, oc, err := scalingClients(ctx, srv.URI(), pool)
		if err != nil {
			return nil, err
		}
		tcoll, ocoll := tc.Database("scaling").Collection("docs"), oc.Database("scaling").Collection("docs")
		finds := []struct {
			name string
			op   func() error
		}{
			{"torque", func() error { _, err := tcoll.FindOne(ctx, bson.D{bson.KV("_id", id)}).Raw(); return err }},
			{"official", func() error {
				return ocoll.FindOne(ctx, obson.D{{Key: "_id", Value: obson.ObjectID(id)}}).Err()
			}},
		}
		for _, f := range finds {
			name := fmt.Sprintf("%s pool %d", f.name, pool)
			plot = append(plot, len(t.cols))
			ops, p50, p99 := t.add(name+" ops/s", fmtRound), t.add("p50", fmtDuration), t.add("p99", fmtDuration)
			for _, g := range gs {
				n, lat, err := concurrentRun(int(g), o.RunTime, f.op)
				if err != nil {
					tc.Disconnect(ctx)
					oc.Disconnect(ctx)
					return nil, fmt.Errorf("%s, %d goroutines: %w", name, int(g), err)
				}
				ops.vals = append(ops.vals, float64(n)/o.RunTime.Seconds())
				p50.vals = append(p50.vals, float64(percentile(lat, 50)))
				p99.vals = append(p99.vals, float64(percentile(lat, 99)))
			}
		}
		tc.Disconnect(ctx)
		oc.Disconnect(ctx)
	}
	t.plotCols = plot
	return t, nil
}

// concurrentRun runs op in a loop on g goroutines until d has passed and
// returns how many ops ended and their latencies, sorted.
func concurrentRun(g int, d time.Duration, op func() error) (int, []time.Duration, error) {
	var wg sync.WaitGroup
	lats := make([][]time.Duration, g)
	errs := make([]error, g)
	deadline := time.Now().Add(d)
	for i := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				start := time.Now()
				if err := op(); err != nil {
					errs[i] = err
					return
				}
				lats[i] = append(lats[i], time.Since(start))
			}
		}()
	}
	wg.Wait()
	var all []time.Duration
	for i := range g {
		if errs[i] != nil {
			return 0, nil, errs[i]
		}
		all = append(all, lats[i]...)
	}
	sortDurations(all)
	return len(all), all, nil
}
