package driver

import (
	"context"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// malformedInside are documents whose own framing is right (length,
// final NUL) but whose inside is not: what the batch check on arrival
// lets through, and what the readers of a document must report.
func malformedInside() map[string]bson.Raw {
	return map[string]bson.Raw{
		// {a: <a document whose length says 100>}
		"bad nested length": withLen([]byte{0, 0, 0, 0, 3, 'a', 0, 100, 0, 0, 0, 0, 0}),
		// {ab...: the key runs into the document's final NUL, no value}
		"unterminated key": withLen([]byte{0, 0, 0, 0, 0x10, 'a', 'b', 0}),
		// {a: <type 0x55>}
		"unknown type byte": withLen([]byte{0, 0, 0, 0, 0x55, 'a', 0, 0}),
		"nesting bomb":      nestingBomb(bson.MaxNestingDepth + 50),
	}
}

// withLen writes len(b) into the first four bytes of b.
func withLen(b []byte) bson.Raw {
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	return b
}

// nestingBomb is {a: {a: ... {}}}, depth documents deep.
func nestingBomb(depth int) bson.Raw {
	doc := []byte{5, 0, 0, 0, 0}
	for range depth - 1 {
		b := append([]byte{0, 0, 0, 0, 3, 'a', 0}, doc...)
		doc = withLen(append(b, 0))
	}
	return doc
}

// cursorReply builds {cursor: {id, ns, <key>: [docs...], pbrt}, ok: 1,
// $clusterTime} with the documents copied in as they are.
func cursorReply(key string, pbrt bson.Raw, docs ...bson.Raw) bson.Raw {
	start, b := bson.AppendDocumentStart(nil)
	cs, b := bson.AppendDocumentElementStart(b, "cursor")
	b = bson.AppendInt64Element(b, "id", 0)
	b = bson.AppendStringElement(b, "ns", "db.c")
	as, b := bson.AppendArrayElementStart(b, key)
	for i, d := range docs {
		b = append(bson.AppendHeader(b, bson.TypeEmbeddedDocument, strconv.Itoa(i)), d...)
	}
	b, _ = bson.AppendDocumentEnd(b, as)
	if pbrt != nil {
		b = append(bson.AppendHeader(b, bson.TypeEmbeddedDocument, "postBatchResumeToken"), pbrt...)
	}
	b, _ = bson.AppendDocumentEnd(b, cs)
	b = bson.AppendDoubleElement(b, "ok", 1)
	ct, b := bson.AppendDocumentElementStart(b, "$clusterTime")
	b = bson.AppendTimestampElement(b, "clusterTime", 1, 1)
	b, _ = bson.AppendDocumentEnd(b, ct)
	b, _ = bson.AppendDocumentEnd(b, start)
	return b
}

var goodDoc = func() bson.Raw {
	b, _ := bson.Marshal(bson.D{bson.KV("_id", 1), bson.KV("s", "x"), bson.KV("d", bson.D{bson.KV("n", 2)})})
	return b
}()

// A batch document malformed inside passes the check on arrival (its
// reader reports it), where ValidateStructure of the whole reply refuses
// it; a good reply passes both.
func TestCursorReplyFramesBatchOnly(t *testing.T) {
	for _, key := range []string{"firstBatch", "nextBatch"} {
		if err := validateCursorReply(cursorReply(key, goodDoc, goodDoc, goodDoc)); err != nil {
			t.Fatalf("good %s reply: %v", key, err)
		}
		if err := validateCursorReply(cursorReply(key, nil)); err != nil {
			t.Fatalf("empty %s: %v", key, err)
		}
		for name, doc := range malformedInside() {
			reply := cursorReply(key, nil, goodDoc, doc, goodDoc)
			if err := validateCursorReply(reply); err != nil {
				t.Errorf("%s %s: %v, want it left to the reader", key, name, err)
			}
			if reply.ValidateStructure() == nil {
				t.Errorf("%s %s: the whole reply validates; the case tests nothing", key, name)
			}
		}
	}
}

// The batch's framing, and everything outside the batch, is checked on
// arrival: the error names the document by its position and says what
// is wrong.
func TestCursorReplyFramingErrors(t *testing.T) {
	good := cursorReply("firstBatch", nil, goodDoc, goodDoc)
	at := bytesIndex(good, goodDoc) // the first document's start
	second := at + len(goodDoc) + 3 // past the header {0x03, '1', 0} of the second
	cases := []struct {
		name, key, msg string
		reply          []byte
	}{
		{"not a document", "cursor.firstBatch.0", "batch element is a string, not a document",
			set(good, at-3, byte(bson.TypeString))},
		{"length under 5", "cursor.firstBatch.1", "document length 4 is less than 5",
			setLen(good, second, 4)},
		{"length past the batch", "cursor.firstBatch.1", "exceeds the",
			setLen(good, second, len(goodDoc)+1)},
		{"no NUL at the end", "cursor.firstBatch.1", "does not end with a NUL byte",
			set(good, second+len(goodDoc)-1, 7)},
		{"negative length", "cursor.firstBatch.0", "is less than 5",
			setLen(good, at, -1)},
		{"malformed postBatchResumeToken", "cursor.postBatchResumeToken.a", "",
			cursorReply("firstBatch", malformedInside()["bad nested length"], goodDoc)},
		{"nesting bomb outside the batch", "cursor.postBatchResumeToken", "nest deeper",
			cursorReply("firstBatch", nestingBomb(bson.MaxNestingDepth+5), goodDoc)},
		{"reply length", "", "",
			setLen(good, 0, len(good)+1)},
	}
	for _, tc := range cases {
		err := validateCursorReply(tc.reply)
		var de *bson.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: err = %v, want a *bson.DecodeError", tc.name, err)
			continue
		}
		if !strings.HasPrefix(de.Key, tc.key) || !strings.Contains(de.Msg, tc.msg) {
			t.Errorf("%s: %v, want key %q and a message with %q", tc.name, err, tc.key, tc.msg)
		}
		if de.Offset < 0 || de.Offset >= len(tc.reply) {
			t.Errorf("%s: offset %d outside the %d-byte reply", tc.name, de.Offset, len(tc.reply))
		}
		if tc.reply[0] == good[0] && bson.Raw(tc.reply).ValidateStructure() == nil {
			t.Errorf("%s: ValidateStructure accepts the reply", tc.name)
		}
	}
}

// A malformed element of the reply outside the batch is refused with the
// offset ValidateStructure gives.
func TestCursorReplyTopLevelElement(t *testing.T) {
	good := cursorReply("firstBatch", nil, goodDoc)
	i := bytesIndex(good, []byte("ok\x00")) - 1
	bad := set(good, i, 0x55) // ok's type byte
	err := validateCursorReply(bad)
	want := bson.Raw(bad).ValidateStructure()
	if err == nil || want == nil || err.Error() != want.Error() {
		t.Errorf("err = %v, want %v", err, want)
	}
}

func TestCursorReplyNoAllocation(t *testing.T) {
	docs := make([]bson.Raw, 100)
	for i := range docs {
		docs[i] = goodDoc
	}
	reply := cursorReply("nextBatch", goodDoc, docs...)
	if n := testing.AllocsPerRun(100, func() {
		if validateCursorReply(reply) != nil {
			t.Fatal("refused")
		}
	}); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

// The executor checks a LazyBatch operation's reply by its framing: a
// batch document malformed inside reaches the handler; a batch that does
// not frame is the operation's *ReplyError (not a network error, no SDAM,
// no retry, the connection back in its pool).
func TestLazyBatchOperation(t *testing.T) {
	inside := cursorReply("firstBatch", nil, goodDoc, malformedInside()["unknown type byte"])
	framing := setLen(inside, bytesIndex(inside, goodDoc), 3)
	for _, tc := range []struct {
		name    string
		reply   bson.Raw
		lazy    bool
		wantErr bool
	}{
		{"inside, lazy", inside, true, false},
		{"inside, not lazy", inside, false, true},
		{"framing, lazy", framing, true, true},
	} {
		d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary, topology.RSPrimary)
		var conns []*fakeConn
		for _, s := range d.servers {
			s.onConn = func(c *fakeConn) { conns = append(conns, c) }
		}
		sent := 0
		d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
			sent++
			return tc.reply, true, nil
		})
		op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
		op.Retryable, op.LazyBatch = true, tc.lazy
		handled := false
		op.Handle = func(r *Reply) error { handled = true; return nil }
		x := newExecutor(d)
		x.RetryReads = true
		err := x.Execute(context.Background(), op)
		if !tc.wantErr {
			if err != nil || !handled {
				t.Errorf("%s: err = %v, handled = %v", tc.name, err, handled)
			}
			continue
		}
		var re *ReplyError
		if !errors.As(err, &re) || IsNetworkError(err) || handled {
			t.Errorf("%s: err = %v (%T), handled = %v; want a *ReplyError", tc.name, err, err, handled)
		}
		if sent != 1 || len(d.sdamErrs) != 0 {
			t.Errorf("%s: sent %d times, SDAM heard %v", tc.name, sent, d.sdamErrs)
		}
		for _, c := range conns {
			if c.closed || !c.released {
				t.Errorf("%s: connection closed=%v released=%v", tc.name, c.closed, c.released)
			}
		}
	}
}

// FuzzCursorReply: the check on arrival never panics, accepts every reply
// ValidateStructure accepts, and what it accepts frames as documents all
// through the batch (what Cursor.Next relies on).
func FuzzCursorReply(f *testing.F) {
	f.Add([]byte(cursorReply("firstBatch", goodDoc, goodDoc, goodDoc)))
	f.Add([]byte(cursorReply("nextBatch", nil)))
	for _, d := range malformedInside() {
		f.Add([]byte(cursorReply("firstBatch", nil, d, goodDoc)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := validateCursorReply(b)
		if bson.Raw(b).ValidateStructure() == nil && err != nil {
			t.Fatalf("ValidateStructure accepts the reply, validateCursorReply says %v", err)
		}
		if err != nil {
			return
		}
		for _, key := range []string{"firstBatch", "nextBatch"} {
			arr, ok := bson.Raw(b).Lookup("cursor", key).Array()
			if !ok {
				continue
			}
			vals, err := arr.Values()
			if err != nil {
				t.Fatalf("accepted batch does not frame: %v", err)
			}
			for i, v := range vals {
				if _, ok := v.Document(); !ok {
					t.Fatalf("accepted batch element %d is a %s", i, v.Type)
				}
			}
		}
	})
}

func bytesIndex(b, sub []byte) int { return strings.Index(string(b), string(sub)) }

// set returns a copy of b with b[i] = v.
func set(b []byte, i int, v byte) []byte {
	c := append([]byte(nil), b...)
	c[i] = v
	return c
}

// setLen returns a copy of b with the int32 at i set to n.
func setLen(b []byte, i, n int) []byte {
	c := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(c[i:], uint32(int32(n)))
	return c
}

// BenchmarkCursorReply compares the check on arrival of a find reply of
// 100 documents of about 1.5 KB with nested documents and arrays:
// validateCursorReply (the batch framed) against ValidateStructure (every
// document walked).
func BenchmarkCursorReply(b *testing.B) {
	inner := bson.D{bson.KV("screen_name", "someone"), bson.KV("followers", int32(12)), bson.KV("urls", bson.A{"a", "b", "c"})}
	d := bson.D{bson.KV("_id", bson.NewObjectID()), bson.KV("text", strings.Repeat("t", 140))}
	for i := range 12 {
		d = append(d, bson.KV("user"+strconv.Itoa(i), inner))
	}
	doc, err := bson.Marshal(d)
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]bson.Raw, 100)
	for i := range docs {
		docs[i] = doc
	}
	reply := cursorReply("firstBatch", nil, docs...)
	b.Run("framed", func(b *testing.B) {
		b.SetBytes(int64(len(reply)))
		for range b.N {
			if validateCursorReply(reply) != nil {
				b.Fatal("refused")
			}
		}
	})
	b.Run("whole", func(b *testing.B) {
		b.SetBytes(int64(len(reply)))
		for range b.N {
			if reply.ValidateStructure() != nil {
				b.Fatal("refused")
			}
		}
	})
}
