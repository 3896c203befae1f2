package hostile

import (
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// A stored string that is not UTF-8 ("caf\xe9": MongoDB keeps such bytes
// as they are) reads back as its bytes; it never fails the connection, so
// operations on other goroutines are untouched (issue 13, item 1: 45 of
// 113 pings failed meanwhile).
func TestLatin1StringReadsBack(t *testing.T) {
	start, doc := bson.AppendDocumentStart(nil)
	doc = bson.AppendInt32Element(doc, "_id", 1)
	doc = bson.AppendStringElement(doc, "name", "caf\xe9")
	doc, _ = bson.AppendDocumentEnd(doc, start)
	srv := newRawServer(t, findWith(func(req request) ([]byte, after) {
		return msgBytes(req.ID, cursorDoc(doc)), carryOn
	}))
	r := newRig(t, srv.uri(), client.Options{})
	r.ready()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			var v struct{ Name string }
			if err := r.c.Database("test").Collection("c").FindOne(ctxT(t), bson.D{}).Decode(&v); err != nil {
				errs <- err
			} else if v.Name != "caf\xe9" {
				t.Errorf("name %q, want the stored bytes", v.Name)
			}
		}()
		go func() {
			defer wg.Done()
			if err := r.c.Ping(ctxT(t)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("an operation failed: %v", err)
	}
	if n := srv.count("find"); n != 20 {
		t.Errorf("%d finds, want 20 (no retry)", n)
	}
	r.noClear()
	r.disconnectLeavesNothing(srv.openConns)
}
