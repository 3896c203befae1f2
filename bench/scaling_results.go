package bench

import (
	"context"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	obson "go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// scaleResults: find and iterate results of 10 to MaxResults small
// documents, with Cursor.Next, Iter and All (torque) and Next and All
// (official): time per find and the peak of the live heap during it.
// Next and Iter stream (one batch at a time); All holds every document.
func scaleResults(ctx context.Context, o ScalingOptions) (*scalingTable, error) {
	var counts []float64
	for n := 10; n <= o.MaxResults; n *= 10 {
		counts = append(counts, float64(n))
	}
	if o.Quick {
		counts = []float64{10, 1000}
	}
	t := &scalingTable{title: "Result size: find and iterate", file: "scaling-results",
		note: "NullServer, 100-byte documents, the server's batches (101, then up to 16 MiB). Time per find, and the peak " +
			"of the live heap above where it started, sampled every 200 µs (the whole process: the null server's " +
			"batch buffer is in it for every row). Next and Iter should stay flat; All grows with the result.",
		x: "documents", xs: counts, xfmt: fmtCount, plotY: "peak live heap (bytes)", plotCols: []int{1, 3, 5, 7, 9}, logY: true}
	type mode struct {
		name string
		run  func(ctx context.Context, tc *client.Collection, oc *mongo.Collection) (int, error)
	}
	modes := []mode{
		{"torque Next", func(ctx context.Context, c *client.Collection, _ *mongo.Collection) (int, error) {
			cur, err := c.Find(ctx, bson.D{})
			if err != nil {
				return 0, err
			}
			n := 0
			for cur.Next(ctx) {
				n++
			}
			return n, cur.Close(ctx)
		}},
		{"torque Iter", func(ctx context.Context, c *client.Collection, _ *mongo.Collection) (int, error) {
			cur, err := c.Find(ctx, bson.D{})
			if err != nil {
				return 0, err
			}
			defer cur.Close(ctx)
			n := 0
			for _, err := range cur.Iter(ctx) {
				if err != nil {
					return n, err
				}
				n++
			}
			return n, nil
		}},
		{"torque All", func(ctx context.Context, c *client.Collection, _ *mongo.Collection) (int, error) {
			cur, err := c.Find(ctx, bson.D{})
			if err != nil {
				return 0, err
			}
			var docs []bson.D
			err = cur.All(ctx, &docs)
			return len(docs), err
		}},
		{"official Next", func(ctx context.Context, _ *client.Collection, c *mongo.Collection) (int, error) {
			cur, err := c.Find(ctx, obson.D{})
			if err != nil {
				return 0, err
			}
			n := 0
			for cur.Next(ctx) {
				n++
			}
			if err := cur.Err(); err != nil {
				return n, err
			}
			return n, cur.Close(ctx)
		}},
		{"official All", func(ctx context.Context, _ *client.Collection, c *mongo.Collection) (int, error) {
			cur, err := c.Find(ctx, obson.D{})
			if err != nil {
				return 0, err
			}
			var docs []obson.D
			err = cur.All(ctx, &docs)
			return len(docs), err
		}},
	}
	times, peaks := make([]*scalingSeries, len(modes)), make([]*scalingSeries, len(modes))
	for i, m := range modes {
		times[i], peaks[i] = t.add(m.name, fmtDuration), t.add(m.name+" peak heap", fmtBytes)
	}
	doc := scalingDoc(bson.NewObjectID(), 100)
	for _, n := range counts {
		srv, err := NewNullServer(doc, int(n))
		if err != nil {
			return nil, err
		}
		tc, oc, err := scalingClients(ctx, srv.URI(), 0)
		if err != nil {
			srv.Close()
			return nil, err
		}
		tcoll, ocoll := tc.Database("scaling").Collection("docs"), oc.Database("scaling").Collection("docs")
		for i, m := range modes {
			op := func() error {
				got, err := m.run(ctx, tcoll, ocoll)
				if err == nil && got != int(n) {
					err = fmt.Errorf("%s: %d documents, want %d", m.name, got, int(n))
				}
				return err
			}
			ns, _, err := timeOps(o.RunTime/3, 1, op)
			var peak float64
			if err == nil {
				peak, err = heapPeak(op)
			}
			if err != nil {
				tc.Disconnect(ctx)
				oc.Disconnect(ctx)
				srv.Close()
				return nil, fmt.Errorf("result size %d: %w", int(n), err)
			}
			times[i].vals, peaks[i].vals = append(times[i].vals, ns), append(peaks[i].vals, peak)
		}
		tc.Disconnect(ctx)
		oc.Disconnect(ctx)
		srv.Close()
	}
	return t, nil
}
