package client_test

import (
	"context"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/testenv"
)

// The benchmarks run against the null server (the driver's own cost) and,
// when TORQUE_TEST_URI is set, against that server (FerretDB in CI).

type smallDoc struct {
	ID    int    `bson:"_id"`
	Name  string `bson:"name"`
	Email string `bson:"email"`
	Age   int    `bson:"age"`
	Score float64
}

func benchDocs(n int) []any {
	docs := make([]any, n)
	for i := range docs {
		docs[i] = smallDoc{ID: i, Name: "name", Email: "someone@example.com", Age: i % 90, Score: 1.5}
	}
	return docs
}

func rawDocs(tb testing.TB, n int) []bson.Raw {
	out := make([]bson.Raw, n)
	for i, d := range benchDocs(n) {
		b, err := bson.Marshal(d)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = b
	}
	return out
}

func cursorReply(tb testing.TB, docs []bson.Raw) bson.Raw {
	batch := make(bson.A, len(docs))
	for i, d := range docs {
		batch[i] = d
	}
	return nullDoc(tb, bson.D{bson.KV("cursor", bson.D{bson.KV("id", int64(0)), bson.KV("ns", "bench.c"), bson.KV("firstBatch", batch)}), bson.KV("ok", 1.0)})
}

// nullColl connects to a null server that answers find with docs; opts
// are the client's.
func nullColl(b *testing.B, findDocs []bson.Raw, opts ...client.Options) *client.Collection {
	ok := nullDoc(b, bson.D{bson.KV("ok", 1.0)})
	srv := startNullServer(b, map[string]bson.Raw{
		"find":   cursorReply(b, findDocs),
		"insert": nullDoc(b, bson.D{bson.KV("n", 1), bson.KV("ok", 1.0)}),
		"bulkWrite": nullDoc(b, bson.D{bson.KV("cursor", bson.D{bson.KV("id", int64(0)), bson.KV("firstBatch", bson.A{}),
			bson.KV("ns", "admin.$cmd.bulkWrite")}), bson.KV("nErrors", 0), bson.KV("nInserted", 1), bson.KV("ok", 1.0)}),
		"default": ok,
	})
	c := connect(b, srv.uri(), opts...)
	return c.Database("bench").Collection("c")
}

// realColl connects to $TORQUE_TEST_URI and seeds n documents.
func realColl(b *testing.B, n int) *client.Collection {
	uri := testenv.URI(b)
	c, err := client.Connect(context.Background(), uri)
	if err != nil {
		b.Fatal(err)
	}
	coll := c.Database("torque_bench").Collection("c")
	ctx := context.Background()
	b.Cleanup(func() {
		_ = coll.Database().Drop(ctx)
		_ = c.Disconnect(ctx)
	})
	_ = coll.Drop(ctx)
	if n > 0 {
		if _, err := coll.InsertMany(ctx, benchDocs(n)); err != nil {
			b.Fatal(err)
		}
	}
	return coll
}

func benchFindOne(b *testing.B, coll *client.Collection) {
	ctx := context.Background()
	filter := bson.D{bson.KV("_id", 7)}
	var d smallDoc
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := coll.FindOne(ctx, filter).Decode(&d); err != nil {
			b.Fatal(err)
		}
	}
}

// benchFindOptions is FindOne with the options that take user values
// (sort, projection, hint, let, comment): what the client's Encoder also
// encodes.
func benchFindOptions(b *testing.B, coll *client.Collection) {
	ctx := context.Background()
	filter := bson.D{bson.KV("_id", 7)}
	o := client.FindOneOptions{Sort: bson.D{bson.KV("age", 1)}, Projection: bson.D{bson.KV("name", 1)},
		Hint: bson.D{bson.KV("age", 1)}, Let: bson.D{bson.KV("x", 1)}, Comment: "bench"}
	var d smallDoc
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := coll.FindOne(ctx, filter, o).Decode(&d); err != nil {
			b.Fatal(err)
		}
	}
}

func benchInsertOne(b *testing.B, coll *client.Collection) {
	ctx := context.Background()
	doc := bson.D{bson.KV("name", "name"), bson.KV("age", 42)}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := coll.InsertOne(ctx, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func benchFindMany(b *testing.B, coll *client.Collection, structs bool) {
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var bytes int64
	for range b.N {
		cur, err := coll.Find(ctx, bson.D{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if structs {
			var out []smallDoc
			err = cur.All(ctx, &out)
			n = len(out)
		} else {
			var out []bson.Raw
			err = cur.All(ctx, &out)
			n = len(out)
			for _, d := range out {
				bytes += int64(len(d))
			}
		}
		if err != nil || n != 10000 {
			b.Fatalf("%d documents, %v", n, err)
		}
	}
	if !structs {
		b.SetBytes(bytes / int64(b.N))
	}
}

func benchInsertMany(b *testing.B, coll *client.Collection) {
	ctx := context.Background()
	docs := benchDocs(10000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		_ = coll.Drop(ctx)
		b.StartTimer()
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
}

// benchBulkWrite inserts 10,000 documents with Collection.BulkWrite.
func benchBulkWrite(b *testing.B, coll *client.Collection) {
	ctx := context.Background()
	docs := benchDocs(10000)
	models := make([]client.WriteModel, len(docs))
	for i, d := range docs {
		models[i] = client.InsertOneModel{Document: d}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := coll.BulkWrite(ctx, models); err != nil {
			b.Fatal(err)
		}
	}
}

// benchClientBulkWrite inserts the same 10,000 documents with
// Client.BulkWrite, alternating between two collections.
func benchClientBulkWrite(b *testing.B, coll *client.Collection) {
	ctx := context.Background()
	docs := benchDocs(10000)
	models := make([]client.ClientWriteModel, len(docs))
	for i, d := range docs {
		models[i] = client.ClientWriteModel{Database: "bench", Collection: []string{"c", "d"}[i%2],
			Model: client.InsertOneModel{Document: d}}
	}
	c := coll.Database().Client()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.BulkWrite(ctx, models); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNull(b *testing.B) {
	docs := rawDocs(b, 10000)
	b.Run("FindOneByID", func(b *testing.B) { benchFindOne(b, nullColl(b, docs[7:8])) })
	b.Run("FindOneOptions", func(b *testing.B) { benchFindOptions(b, nullColl(b, docs[7:8])) })
	b.Run("InsertOne", func(b *testing.B) { benchInsertOne(b, nullColl(b, nil)) })
	// The same with an Encoder set (options, no codec): its path.
	enc := client.Options{Encoder: bson.Encoder{NilSliceAsEmpty: true}}
	b.Run("FindOneOptionsEncoder", func(b *testing.B) { benchFindOptions(b, nullColl(b, docs[7:8], enc)) })
	b.Run("InsertOneEncoder", func(b *testing.B) { benchInsertOne(b, nullColl(b, nil, enc)) })
	b.Run("Find10000Raw", func(b *testing.B) { benchFindMany(b, nullColl(b, docs), false) })
	b.Run("Find10000Structs", func(b *testing.B) { benchFindMany(b, nullColl(b, docs), true) })
	b.Run("InsertMany10000", func(b *testing.B) { benchInsertMany(b, nullColl(b, nil)) })
	b.Run("BulkWrite10000", func(b *testing.B) { benchBulkWrite(b, nullColl(b, nil)) })
	b.Run("ClientBulkWrite10000", func(b *testing.B) { benchClientBulkWrite(b, nullColl(b, nil)) })
}

func BenchmarkReal(b *testing.B) {
	b.Run("FindOneByID", func(b *testing.B) { benchFindOne(b, realColl(b, 100)) })
	b.Run("InsertOne", func(b *testing.B) { benchInsertOne(b, realColl(b, 0)) })
	b.Run("Find10000Raw", func(b *testing.B) { benchFindMany(b, realColl(b, 10000), false) })
	b.Run("Find10000Structs", func(b *testing.B) { benchFindMany(b, realColl(b, 10000), true) })
	b.Run("InsertMany10000", func(b *testing.B) { benchInsertMany(b, realColl(b, 0)) })
}
