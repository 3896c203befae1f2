package pool

import (
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// appendCommandMsg frames the OP_MSG of a command {name: 1, $db: db} plus
// extra elements, as internal/driver would: appended in place.
func appendCommandMsg(dst []byte, name, db string, extra ...func([]byte) []byte) []byte {
	return appendMsg(dst, db, func(b []byte) []byte {
		b = bson.AppendInt32Element(b, name, 1)
		for _, f := range extra {
			b = f(b)
		}
		return b
	})
}

// appendMsg frames the OP_MSG of a command whose elements (before "$db")
// elems appends.
func appendMsg(dst []byte, db string, elems func([]byte) []byte) []byte {
	start, dst := wire.StartMsg(dst, wire.NextRequestID(), 0, 0)
	dst = wire.StartBody(dst)
	doc, dst := bson.AppendDocumentStart(dst)
	dst = elems(dst)
	dst = bson.AppendStringElement(dst, "$db", db)
	dst, err := bson.AppendDocumentEnd(dst, doc)
	if err != nil {
		panic(err)
	}
	dst, err = wire.FinishMsg(dst, start)
	if err != nil {
		panic(err)
	}
	return dst
}

// ping runs {ping: 1} on c and fails the test unless the server says ok.
func ping(t testing.TB, ctx context.Context, c *Conn) {
	t.Helper()
	if err := tryPing(ctx, c); err != nil {
		t.Fatal(err)
	}
}

func tryPing(ctx context.Context, c *Conn) error {
	buf := wire.GetBuffer()
	defer wire.PutBuffer(buf)
	msg := appendCommandMsg((*buf)[:0], "ping", "admin")
	*buf = msg[:0]
	reply, err := c.RoundTrip(ctx, msg)
	if err != nil {
		return err
	}
	if !isOK(bson.Raw(reply.Body).Lookup("ok")) {
		return &CommandError{Message: bson.Raw(reply.Body).String()}
	}
	return nil
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dialT dials addr with cfg and closes the connection at the end of the
// test.
func dialT(t testing.TB, addr string, cfg *ConnConfig) *Conn {
	t.Helper()
	c, err := Dial(testCtx(t), addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.closeAndRelease() })
	return c
}
