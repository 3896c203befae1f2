package bench

import (
	"context"
	"fmt"
	"runtime"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	obson "go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// scaleResults: find and iterate results of 10 to MaxResults small
// documents, with Cursor.Next, Iter and All (torque) and Next and All
// (official): time per find and the most live heap held during it.
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
		note: "NullServer, 100-byte documents, the server's batches (101, then up to 16 MiB). Time per find (a timed run), " +
			"and the most live heap held above where the find started, in a second run: measured after a forced GC " +
			"at eight points of the iteration (Next, Iter) or once All has returned, with the documents still " +
			"referenced. The whole process counts: the null server's reply buffer for the batch in flight is in every row. " +
			"Next and Iter hold one batch (at most 16 MiB); All holds the whole result.",
		x: "documents", xs: counts, xfmt: fmtCount, plotY: "peak live heap (bytes)", plotCols: []int{1, 3, 5, 7, 9}, logY: true}
	type mode struct {
		name string
		run  func(ctx context.Context, tc *client.Collection, oc *mongo.Collection, p *heapProbe) (int, error)
	}
	modes := []mode{
		{"torque Next", func(ctx context.Context, c *client.Collection, _ *mongo.Collection, p *heapProbe) (int, error) {
			cur, err := c.Find(ctx, bson.D{})
			if err != nil {
				return 0, err
			}
			n := 0
			for cur.Next(ctx) {
				n++
				p.doc(n)
			}
			return n, cur.Close(ctx)
		}},
		{"torque Iter", func(ctx context.Context, c *client.Collection, _ *mongo.Collection, p *heapProbe) (int, error) {
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
				p.doc(n)
			}
			return n, nil
		}},
		{"torque All", func(ctx context.Context, c *client.Collection, _ *mongo.Collection, p *heapProbe) (int, error) {
			cur, err := c.Find(ctx, bson.D{})
			if err != nil {
				return 0, err
			}
			var docs []bson.D
			err = cur.All(ctx, &docs)
			p.measure()
			runtime.KeepAlive(docs)
			return len(docs), err
		}},
		{"official Next", func(ctx context.Context, _ *client.Collection, c *mongo.Collection, p *heapProbe) (int, error) {
			cur, err := c.Find(ctx, obson.D{})
			if err != nil {
				return 0, err
			}
			n := 0
			for cur.Next(ctx) {
				n++
				p.doc(n)
			}
			if err := cur.Err(); err != nil {
				return n, err
			}
			return n, cur.Close(ctx)
		}},
		{"official All", func(ctx context.Context, _ *client.Collection, c *mongo.Collection, p *heapProbe) (int, error) {
			cur, err := c.Find(ctx, obson.D{})
			if err != nil {
				return 0, err
			}
			var docs []obson.D
			err = cur.All(ctx, &docs)
			p.measure()
			runtime.KeepAlive(docs)
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
			op := func(p *heapProbe) error {
				got, err := m.run(ctx, tcoll, ocoll, p)
				if err == nil && got != int(n) {
					err = fmt.Errorf("%s: %d documents, want %d", m.name, got, int(n))
				}
				return err
			}
			ns, _, err := timeOps(o.RunTime/3, 1, func() error { return op(nil) })
			var peak float64
			if err == nil {
				probe := newHeapProbe(int(n))
				err = op(probe)
				peak = probe.peak()
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

// heapProbe measures the live heap (after a forced GC) at a few points of
// an iteration over n documents and keeps the most, above the heap before
// the find. A nil probe measures nothing (the timed runs).
type heapProbe struct {
	every     int
	base, max uint64
}

func newHeapProbe(n int) *heapProbe {
	p := &heapProbe{every: max(n/8, 1)}
	p.base = liveHeap()
	return p
}

// doc is called with the count of documents read so far.
func (p *heapProbe) doc(i int) {
	if p != nil && i%p.every == 0 {
		p.measure()
	}
}

func (p *heapProbe) measure() {
	if p != nil {
		p.max = max(p.max, liveHeap())
	}
}

func (p *heapProbe) peak() float64 {
	if p.max < p.base {
		return 0
	}
	return float64(p.max - p.base)
}

// liveHeap is the heap in use after a full GC.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
