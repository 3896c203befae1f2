package hostile

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/wire"
)

// Compressed amplification: 50 concurrent 34-byte replies that each claim
// 47 MB uncompressed. Before issue 13 the heap reached 946 MB; the claim
// is now checked against what the bytes can expand to before anything is
// allocated. The bound asserted is generous (a shared machine, the race
// detector): far below one claimed reply, let alone fifty.
func TestCompressedClaimsDoNotAllocate(t *testing.T) {
	for _, comp := range []wire.CompressorID{wire.CompressorSnappy, wire.CompressorZlib, wire.CompressorZstd} {
		t.Run(comp.String(), func(t *testing.T) {
			srv := newRawServer(t, findWith(func(req request) ([]byte, after) {
				bomb, err := wire.AppendCompressed(nil, 1, req.ID, &wire.Compressed{
					OriginalOpCode: wire.OpMsg, UncompressedSize: 47_000_000, Compressor: comp, Data: []byte("0123456789"),
				})
				if err != nil {
					panic(err)
				}
				return bomb, carryOn
			}))
			r := newRig(t, srv.uri(), client.Options{MaxPoolSize: 50, RetryReads: new(bool)})
			r.ready()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var wg sync.WaitGroup
			for range 50 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := r.c.Database("test").Collection("c").FindOne(context.Background(), bson.D{}).Err()
					if !client.IsNetworkError(err) {
						t.Errorf("FindOne = %v, want a network error (a malformed message)", err)
					}
				}()
			}
			wg.Wait()
			runtime.ReadMemStats(&after)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 200<<20 {
				t.Errorf("50 replies of %d bytes made the client allocate %d MB", 34, grew>>20)
			}
			r.disconnectLeavesNothing(srv.openConns)
		})
	}
}

// A hello that claims maxMessageSizeBytes 2^31-1 is not believed: a reply
// header claiming 2 GB is refused at once, not allocated (issue 13, item
// 3: one 34-byte reply allocated 2 GB, and a 5s Ping took up to 19s).
func TestHelloClaimingHugeMessages(t *testing.T) {
	srv := newRawServer(t, func(n int, req request) ([]byte, after) {
		switch {
		case req.isHello():
			return reply(req, helloDoc(func(d []byte) []byte {
				return bson.AppendInt32Element(d, "maxMessageSizeBytes", 1<<31-1)
			})), carryOn
		case req.Name == "find":
			return append(header(req, 2_000_000_000), make([]byte, 18)...), hang
		}
		return nil, carryOn
	})
	r := newRig(t, srv.uri(), client.Options{RetryReads: new(bool)})
	r.ready()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := r.c.Database("test").Collection("c").FindOne(ctxT(t), bson.D{}).Err()
	runtime.ReadMemStats(&after)
	if !client.IsNetworkError(err) {
		t.Fatalf("FindOne = %v, want a network error (a message beyond the limit)", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("a 34-byte reply made the client allocate %d MB", grew>>20)
	}
	r.disconnectLeavesNothing(srv.openConns)
}
