package bench

import (
	"context"
	"net"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	obson "go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// BenchmarkReadBatch is issue 19's "Reading a batch": find and iterate
// 100 tweets (about 155 KB in one reply) without decoding them, on a
// NullServer, beside the raw-socket floor (the same find sent as a
// hand-built OP_MSG, the reply read and its header checked) and the cost
// of torque's ValidateStructure on the reply body alone. Each row reports
// cpu-ns/op too: the process's CPU time per op (client and NullServer
// together), steadier than the wall clock when the machine is loaded.
//
//	go test -run '^$' -bench ReadBatch -benchmem
func BenchmarkReadBatch(b *testing.B) {
	const n = 100
	srv := tweetServer(b, n)
	defer srv.Close()
	var body []byte
	b.Run("floor", func(b *testing.B) {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		var out, in, reply []byte
		b.ReportAllocs()
		cpu := processCPU()
		for b.Loop() {
			if out, in, reply, err = RawCommand(c, out, in, "perftest", "find"); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
		b.SetBytes(int64(len(reply)))
		body = append([]byte(nil), reply...)
	})
	b.Run("validate-structure", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		cpu := processCPU()
		for b.Loop() {
			if err := bson.Raw(body).ValidateStructure(); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("torque", func(b *testing.B) { benchFindTorque(b, srv, n, 0) })
	b.Run("official", func(b *testing.B) { benchFindOfficial(b, srv, n, 0) })
}

// BenchmarkGetMores is the same find over 100 tweets read one per batch
// (batchSize 1): one find and 99 getMores, so that the cost of a getMore
// round trip shows.
//
//	go test -run '^$' -bench GetMores -benchmem
func BenchmarkGetMores(b *testing.B) {
	const n = 100
	srv := tweetServer(b, n)
	defer srv.Close()
	b.Run("torque", func(b *testing.B) { benchFindTorque(b, srv, n, 1) })
	b.Run("official", func(b *testing.B) { benchFindOfficial(b, srv, n, 1) })
}

// tweetServer is a NullServer of n copies of the spec's tweet (each with
// an ObjectID _id); it skips b when the spec data is not there.
func tweetServer(b *testing.B, n int) *NullServer {
	specDir, err := SpecDir()
	if err != nil {
		b.Skip(err)
	}
	data, err := LoadData(specDir)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := NewNullServer(withID(data.Tweet, bson.NewObjectID()), n)
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// benchFindTorque finds and iterates the n documents of srv with torque,
// batchSize documents a batch (0: the server's default, one batch).
func benchFindTorque(b *testing.B, srv *NullServer, n int, batchSize int32) {
	ctx := context.Background()
	c, err := client.Connect(ctx, srv.URI())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Disconnect(ctx)
	coll := c.Database("perftest").Collection("corpus")
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{BatchSize: batchSize})
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for cur.Next(ctx) {
			got++
		}
		if err := cur.Close(ctx); err != nil || got != n {
			b.Fatalf("%d documents, %v", got, err)
		}
	}
	reportCPU(b, cpu)
}

// benchFindOfficial is benchFindTorque with the official driver.
func benchFindOfficial(b *testing.B, srv *NullServer, n int, batchSize int32) {
	ctx := context.Background()
	c, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Disconnect(ctx)
	coll := c.Database("perftest").Collection("corpus")
	opts := options.Find()
	if batchSize > 0 {
		opts.SetBatchSize(batchSize)
	}
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		cur, err := coll.Find(ctx, obson.D{}, opts)
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for cur.Next(ctx) {
			got++
		}
		if err := cur.Close(ctx); err != nil || got != n {
			b.Fatalf("%d documents, %v", got, err)
		}
	}
	reportCPU(b, cpu)
}
