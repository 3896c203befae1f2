package client_test

import (
	"context"
	"testing"

	"github.com/torque-go/torque/bson"
)

// BenchmarkNullParallel runs FindOne by _id from many goroutines at once
// on the null server: one per GOMAXPROCS, and 500 per GOMAXPROCS
// (FindOneByID500P: 1,000 on two cores): what every operation's shared
// steps (the client's connected check, the session pool, the connection
// pool) cost under contention.
func BenchmarkNullParallel(b *testing.B) {
	docs := rawDocs(b, 8)
	for _, p := range []struct {
		name string
		n    int
	}{{"FindOneByID", 1}, {"FindOneByID500P", 500}} {
		b.Run(p.name, func(b *testing.B) {
			coll := nullColl(b, docs[7:8])
			filter := bson.D{bson.KV("_id", 7)}
			b.SetParallelism(p.n)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				var d smallDoc
				for pb.Next() {
					if err := coll.FindOne(ctx, filter).Decode(&d); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
