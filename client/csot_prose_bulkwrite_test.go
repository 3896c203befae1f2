package client_test

import (
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// 11. Multi-batch bulkWrites: timeoutMS bounds Client.BulkWrite whole,
// not each bulkWrite command. The README's shape and timings (each
// command blocked 1010ms, timeoutMS 2000: one fits, two do not), with
// its limits scaled down a thousandfold on the mock server: 48 MB to
// encode and store on a mongotest took longer than the README's margin
// on a shared machine under the race detector. maxMessageSizeBytes /
// maxBsonObjectSize + 1 = 3 documents of maxBsonObjectSize - 500 bytes
// make two commands.
func TestCSOTProseMultiBatchClientBulkWrite(t *testing.T) {
	const maxMsg, maxDoc = 48_000, 16_777
	srv := bulkMock(t, mockserver.Hello{MaxMessageSizeBytes: maxMsg, MaxBSONObjectSize: maxDoc}, nil)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"bulkWrite"}, Delay: 1010 * time.Millisecond, Times: 2})
	var ev csotEvents
	c := connect(t, srv.URI(), client.Options{Timeout: 2 * time.Second, Monitor: ev.monitor()})
	doc := bson.D{bson.KV("a", strings.Repeat("b", maxDoc-500))}
	_, err := c.BulkWrite(testContext(t), inserts(maxMsg/maxDoc+1, "db", "coll", func(int) any { return doc }))
	wantTimeout(t, "BulkWrite", err)
	if n := ev.count("bulkWrite", ""); n != 2 {
		t.Errorf("%d bulkWrite commands (%v), want 2 (the second cut by the timeout)", n, ev.started)
	}
}
