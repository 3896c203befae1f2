package session

import (
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
)

// BenchmarkPrepareAppend measures the session part of building a command:
// an implicit session's retryable write with $clusterTime.
func BenchmarkPrepareAppend(b *testing.B) {
	pool := NewPool(nil)
	var clock Clock
	ct, err := ParseClusterTime(clusterTimeDoc(100, 1))
	if err != nil {
		b.Fatal(err)
	}
	clock.Advance(ct)
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := NewImplicit(pool)
		if err := s.Acquire(timeout30); err != nil {
			b.Fatal(err)
		}
		_, _ = s.IncrementTxnNumber()
		f, err := s.Prepare(Op{Kind: OpWrite, RetryableWrite: true, WireVersion: 25}, clock.Get())
		if err != nil {
			b.Fatal(err)
		}
		start, dst := bson.AppendDocumentStart(buf[:0])
		dst = bson.AppendStringElement(dst, "insert", "coll")
		dst = f.Append(dst)
		buf, _ = bson.AppendDocumentEnd(dst, start)
		_ = s.Finish(OpWrite, nil, nil)
		s.End(timeout30)
	}
}

// BenchmarkPoolGetPut is the pool's part of every operation with an
// implicit session: one Get and one Put.
func BenchmarkPoolGetPut(b *testing.B) {
	p := NewPool(nil)
	b.ReportAllocs()
	for range b.N {
		s, err := p.Get(30 * time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		p.Put(s, 30*time.Minute)
	}
}
