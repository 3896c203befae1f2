package bench

import (
	"context"
	"fmt"
	"math"

	"github.com/torque-go/torque/bson"
	obson "go.mongodb.org/mongo-driver/v2/bson"
)

// scaleDocSize: insert one document and find one by _id, document sizes
// from 100 B to 16 MB (the largest a server accepts is 16 MiB).
func scaleDocSize(ctx context.Context, o ScalingOptions) (*scalingTable, error) {
	sizes := []float64{100, 1e3, 1e4, 1e5, 1e6, 4e6, 16e6}
	if o.Quick {
		sizes = []float64{100, 1e5}
	}
	t := &scalingTable{title: "Document size: insert one, find one by _id", file: "scaling-docsize",
		note: "NullServer (no storage): the drivers' own cost and loopback TCP. Time per op, and bytes allocated per op " +
			"(the whole process: the null server's read buffer is counted for both drivers alike).",
		x: "document", xs: sizes, xfmt: fmtBytes, plotY: "time per op (ns)", plotCols: []int{0, 2, 4, 6}, logY: true}
	ti, tib := t.add("torque insert", fmtDuration), t.add("torque insert B/op", fmtBytes)
	oi, oib := t.add("official insert", fmtDuration), t.add("official insert B/op", fmtBytes)
	tf, tfb := t.add("torque find", fmtDuration), t.add("torque find B/op", fmtBytes)
	of, ofb := t.add("official find", fmtDuration), t.add("official find B/op", fmtBytes)
	for _, size := range sizes {
		id := bson.NewObjectID()
		doc := scalingDoc(id, int(size))
		srv, err := NewNullServer(doc, 1)
		if err != nil {
			return nil, err
		}
		tc, oc, err := scalingClients(ctx, srv.URI(), 0)
		if err != nil {
			srv.Close()
			return nil, err
		}
		tcoll, ocoll := tc.Database("scaling").Collection("docs"), oc.Database("scaling").Collection("docs")
		oid := obson.ObjectID(id)
		runs := []struct {
			ns, b *scalingSeries
			op    func() error
		}{
			{ti, tib, func() error { _, err := tcoll.InsertOne(ctx, doc); return err }},
			{oi, oib, func() error { _, err := ocoll.InsertOne(ctx, obson.Raw(doc)); return err }},
			{tf, tfb, func() error {
				_, err := tcoll.FindOne(ctx, bson.D{bson.KV("_id", id)}).Raw()
				return err
			}},
			{of, ofb, func() error { return ocoll.FindOne(ctx, obson.D{{Key: "_id", Value: oid}}).Err() }},
		}
		for _, r := range runs {
			ns, b, err := timeOps(o.RunTime, 3, r.op)
			if err != nil {
				err = fmt.Errorf("document size %s: %w", fmtBytes(size), err)
				ns, b = math.NaN(), math.NaN()
				if !o.Quick {
					fmt.Printf("scaling: %v\n", err) // a cell left empty, the rest goes on
					err = nil
				}
			}
			if err != nil {
				tc.Disconnect(ctx)
				oc.Disconnect(ctx)
				srv.Close()
				return nil, err
			}
			r.ns.vals, r.b.vals = append(r.ns.vals, ns), append(r.b.vals, b)
		}
		tc.Disconnect(ctx)
		oc.Disconnect(ctx)
		srv.Close()
	}
	return t, nil
}
