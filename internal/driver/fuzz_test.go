package driver

import (
	"context"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// FuzzReply feeds arbitrary bytes to the executor as a server's reply to a
// write and to a read: it must return (an error or not), never panic.
func FuzzReply(f *testing.F) {
	for _, d := range []bson.D{
		{bson.KV("ok", 1.0), bson.KV("n", 1)},
		{bson.KV("ok", 0.0), bson.KV("code", 91), bson.KV("errorLabels", bson.A{"RetryableWriteError"})},
		{bson.KV("ok", 1.0), bson.KV("writeErrors", bson.A{bson.D{bson.KV("index", 0), bson.KV("code", 11000)}})},
		{bson.KV("ok", 1.0), bson.KV("writeConcernError", bson.D{bson.KV("code", 64)}), bson.KV("$clusterTime", bson.D{bson.KV("clusterTime", bson.Timestamp{T: 1})})},
		{bson.KV("ok", true), bson.KV("operationTime", bson.Timestamp{T: 5}), bson.KV("topologyVersion", bson.D{bson.KV("counter", 1)})},
		{bson.KV("cursor", bson.D{bson.KV("id", int64(0)), bson.KV("ns", "db.c"),
			bson.KV("firstBatch", bson.A{bson.D{bson.KV("_id", 1), bson.KV("a", bson.D{bson.KV("b", "c")})}})}), bson.KV("ok", 1.0)},
	} {
		b, err := bson.Marshal(d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, reply []byte) {
		d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary, topology.RSPrimary)
		d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) { return reply, true, nil })
		x := newExecutor(d)
		_ = x.Execute(context.Background(), insertOp(t, bson.D{bson.KV("a", 1)}, bson.D{bson.KV("a", 2)}))
		op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
		op.Retryable = true
		op.Handle = func(r *Reply) error { _ = r.Doc.Lookup("cursor", "firstBatch"); return nil }
		_ = x.Execute(context.Background(), op)
		// A cursor's reply, its batch only framed on arrival: the handler
		// reads every document as package client would.
		lazy := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
		lazy.LazyBatch = true
		lazy.Handle = func(r *Reply) error {
			batch, _ := r.Doc.Lookup("cursor", "firstBatch").Array()
			for _, v := range batch.All() {
				if d, ok := v.Document(); ok {
					var out bson.D
					_ = bson.Unmarshal(d, &out)
					_ = d.ValidateStructure()
					_, _ = d.LookupErr("_id")
				}
			}
			return nil
		}
		_ = x.Execute(context.Background(), lazy)
	})
}
