package stream

import (
	"context"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/changestream"
)

// BenchmarkNext reads events out of full batches: the per-event cost of
// the stream (token caching, batch walking), without the network.
func BenchmarkNext(b *testing.B) {
	const perBatch = 100
	events := make([]bson.Raw, perBatch)
	for i := range events {
		events[i] = doc(b, bson.KV("_id", tok(b, "8263F2A1B3000000012B022C0100296E5A1004")),
			bson.KV("operationType", "insert"), bson.KV("fullDocument", bson.D{bson.KV("_id", int32(i)), bson.KV("x", "value")}))
	}
	first := batch(b, "firstBatch", 5, "")
	next := batch(b, "nextBatch", 5, "pbrt", events...)
	x := &fakeExecutor{wire: 21, script: map[string][]step{"aggregate": {{reply: first}}}}
	s, err := Open(context.Background(), x, Target{DB: "db", Coll: "coll"}, nil, changestream.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(int64(len(next)) / perBatch)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%perBatch == 0 {
			b.StopTimer()
			x.script["getMore"] = []step{{reply: next}}
			x.sent = x.sent[:0]
			b.StartTimer()
		}
		if !s.Next(ctx) {
			b.Fatal(s.Err())
		}
	}
}
