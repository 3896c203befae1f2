package session

import (
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
)

// fakeErr is a ClassifiedError as internal/driver's error type will be.
type fakeErr struct {
	code, wcCode int32
	labels       []string
	network      bool
	selection    bool
}

func (e *fakeErr) Error() string               { return "fake error" }
func (e *fakeErr) Code() int32                 { return e.code }
func (e *fakeErr) WriteConcernCode() int32     { return e.wcCode }
func (e *fakeErr) NetworkError() bool          { return e.network }
func (e *fakeErr) ServerSelectionError() bool  { return e.selection }
func (e *fakeErr) HasErrorLabel(l string) bool { return contains(e.labels, l) }
func labelled(labels ...string) *fakeErr       { return &fakeErr{labels: labels} }
func networkErr() *fakeErr                     { return &fakeErr{network: true} }
func codeErr(code int32) *fakeErr              { return &fakeErr{code: code} }
func wcErr(code int32) *fakeErr                { return &fakeErr{wcCode: code} }
func ptr[T any](v T) *T                        { return &v }

// fakeClock is a settable clock.
type fakeClock struct{ t time.Time }

func newFakeClock() *fakeClock               { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }
func (c *fakeClock) Now() time.Time          { return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.t = c.t.Add(d) }

// doc builds a document with build and returns it.
func doc(build func(dst []byte) []byte) bson.Raw {
	start, dst := bson.AppendDocumentStart(nil)
	dst = build(dst)
	out, err := bson.AppendDocumentEnd(dst, start)
	if err != nil {
		panic(err)
	}
	return out
}

// clusterTimeDoc is a $clusterTime document with timestamp (t, i).
func clusterTimeDoc(t, i uint32) bson.Raw {
	return doc(func(dst []byte) []byte {
		dst = bson.AppendTimestampElement(dst, "clusterTime", t, i)
		start, dst := bson.AppendDocumentElementStart(dst, "signature")
		dst = bson.AppendBinaryElement(dst, "hash", 0, make([]byte, 20))
		dst = bson.AppendInt64Element(dst, "keyId", 7)
		dst, _ = bson.AppendDocumentEnd(dst, start)
		return dst
	})
}

func mustClusterTime(t *testing.T, ts, inc uint32) ClusterTime {
	t.Helper()
	ct, err := ParseClusterTime(clusterTimeDoc(ts, inc))
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// reply builds a server reply {ok: 1, operationTime?, $clusterTime?, ...}.
func reply(opTime *bson.Timestamp, ct bson.Raw, extra func([]byte) []byte) bson.Raw {
	return doc(func(dst []byte) []byte {
		dst = bson.AppendDoubleElement(dst, "ok", 1)
		if opTime != nil {
			dst = bson.AppendTimestampElement(dst, "operationTime", opTime.T, opTime.I)
		}
		if ct != nil {
			dst = bson.AppendDocumentElement(dst, "$clusterTime", ct)
		}
		if extra != nil {
			dst = extra(dst)
		}
		return dst
	})
}

// render appends f without lsid and $clusterTime (checked on their own)
// and returns the document as relaxed Extended JSON.
func render(f Fields) string {
	f.LSID, f.ClusterTime = nil, nil
	return doc(f.Append).String()
}

// newSession returns an explicit session with a server session acquired.
func newSession(t *testing.T, opts Options) *ClientSession {
	t.Helper()
	s, err := NewExplicit(NewPool(nil), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Acquire(30 * time.Minute); err != nil {
		t.Fatal(err)
	}
	return s
}
