package mongotest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// benchColl starts a server with n documents {_id: i, k: i, pad} in
// bench.docs, and returns the collection through torque's client.
func benchColl(b *testing.B, n int) (*client.Collection, context.Context) {
	b.Helper()
	srv := mongotest.New(b, mongotest.Options{Logf: func(string, ...any) {}})
	ctx := context.Background()
	c, err := client.Connect(ctx, srv.URI())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Disconnect(ctx) })
	coll := c.Database("bench").Collection("docs")
	const batch = 1000
	for i := 0; i < n; i += batch {
		docs := make([]any, 0, batch)
		for j := i; j < i+batch && j < n; j++ {
			docs = append(docs, bson.D{bson.KV("_id", j), bson.KV("k", j), bson.KV("pad", "0123456789abcdef")})
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	return coll, ctx
}

func BenchmarkInsertOne(b *testing.B) {
	coll, ctx := benchColl(b, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", i), bson.KV("k", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// Finding one document by _id costs the same among 1,000 or 100,000: the
// _id index is a hash map.
func BenchmarkFindByID(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			coll, ctx := benchColl(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var d bson.Raw
				d, err := coll.FindOne(ctx, bson.D{bson.KV("_id", i%n)}).Raw()
				if err != nil || len(d) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

// A filter on k among 10,000 documents: through an index on k, then by a
// scan of the collection.
func BenchmarkFindFiltered(b *testing.B) {
	for _, indexed := range []bool{true, false} {
		b.Run(fmt.Sprintf("index=%v", indexed), func(b *testing.B) {
			const n = 10_000
			coll, ctx := benchColl(b, n)
			if indexed {
				if _, err := coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: bson.D{bson.KV("k", 1)}}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d, err := coll.FindOne(ctx, bson.D{bson.KV("k", (i*7919)%n)}).Raw()
				if err != nil || len(d) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}
