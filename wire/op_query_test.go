package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQueryRoundTrip(t *testing.T) {
	doc := unhex(t, isMasterDocHex)
	for _, q := range []Query{
		{FullCollectionName: "admin.$cmd", NumberToReturn: -1, Query: doc},
		{Flags: SecondaryOK, FullCollectionName: "admin.$cmd", NumberToReturn: -1, Query: doc},
		{Flags: TailableCursor | AwaitData | Exhaust | Partial | NoCursorTimeout | OplogReplay,
			FullCollectionName: "db.coll", NumberToSkip: 3, NumberToReturn: 7, Query: doc, ReturnFieldsSelector: unhex(t, okDocHex)},
		{FullCollectionName: "", Query: doc},
	} {
		enc, err := AppendQuery(nil, 77, &q)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := ParseHeader(enc)
		if h.OpCode != OpQuery || h.RequestID != 77 || h.ResponseTo != 0 || int(h.Length) != len(enc) {
			t.Fatalf("header %+v", h)
		}
		got, err := ParseQuery(enc)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(q, got); diff != "" {
			t.Fatalf("round trip (-in +out):\n%s", diff)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	doc := unhex(t, isMasterDocHex)
	good, _ := AppendQuery(nil, 1, &Query{FullCollectionName: "admin.$cmd", NumberToReturn: -1, Query: doc})
	frame := func(body ...[]byte) []byte {
		b := AppendHeader(nil, Header{OpCode: OpQuery})
		b = append(b, bytes.Join(body, nil)...)
		b, _ = FinishMessage(b, 0)
		return b
	}
	flags := []byte{0, 0, 0, 0}
	name := []byte("a.$cmd\x00")
	nums := make([]byte, 8)
	tests := []struct {
		name   string
		msg    []byte
		offset int
		want   string
	}{
		{"wrong opcode", unhex(t, helloMsgHex), 12, "not an OP_QUERY"},
		{"length", good[:len(good)-1], 0, "header says"},
		{"no flags", frame([]byte{1}), 16, "before its flags"},
		{"name unterminated", frame(flags, []byte("admin")), 20, "not NUL-terminated"},
		{"no numbers", frame(flags, name, nums[:5]), 27, "numberToSkip"},
		{"no query", frame(flags, name, nums), 35, "need 4 bytes"},
		{"query overruns", frame(flags, name, nums, doc[:20]), 35, "overruns"},
		{"bad selector", frame(flags, name, nums, doc, []byte{6, 0, 0, 0, 0}), 64, "overruns"},
		{"garbage after selector", frame(flags, name, nums, doc, []byte{5, 0, 0, 0, 0, 9}), 69, "trailing garbage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseQuery(tt.msg)
			var e *Error
			if !errors.As(err, &e) || e.Offset != tt.offset || !strings.Contains(e.Error(), tt.want) {
				t.Fatalf("ParseQuery = %v, want %q at %d", err, tt.want, tt.offset)
			}
		})
	}
	for _, q := range []Query{
		{FullCollectionName: "a\x00b", Query: doc},
		{FullCollectionName: "a", Query: doc[:10]},
		{FullCollectionName: "a", Query: append(bytes.Clone(doc), 0)},
		{FullCollectionName: "a", Query: doc, ReturnFieldsSelector: []byte{}},
	} {
		if out, err := AppendQuery([]byte("k"), 1, &q); err == nil || string(out) != "k" {
			t.Errorf("AppendQuery(%+v) = %q, %v; want an error", q, out, err)
		}
	}
}

func TestReplyRoundTrip(t *testing.T) {
	d1, d2 := unhex(t, ismasterReplyHex), unhex(t, okDocHex)
	for _, r := range []Reply{
		{NumberReturned: 1, Documents: Documents(d1)},
		{Flags: CursorNotFound | QueryFailure | ShardConfigStale | AwaitCapable, CursorID: -5, StartingFrom: 9,
			NumberReturned: 2, Documents: Documents(cat(d1, d2))},
		{Documents: Documents{}},
	} {
		enc, err := AppendReply(nil, 3, 4, &r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseReply(enc)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Fatalf("round trip (-in +out):\n%s", diff)
		}
		if h, _ := ParseHeader(enc); h.RequestID != 3 || h.ResponseTo != 4 || h.OpCode != OpReply {
			t.Fatalf("header %+v", h)
		}
	}
}

func TestReplyErrors(t *testing.T) {
	doc := unhex(t, okDocHex)
	frame := func(n int32, docs ...[]byte) []byte {
		b := AppendHeader(nil, Header{OpCode: OpReply})
		b = append(b, make([]byte, 16)...)
		b = appendInt32(b, n)
		b = append(b, bytes.Join(docs, nil)...)
		b, _ = FinishMessage(b, 0)
		return b
	}
	tests := []struct {
		name   string
		msg    []byte
		offset int
		want   string
	}{
		{"wrong opcode", unhex(t, helloMsgHex), 12, "not an OP_REPLY"},
		{"short fixed part", frame(0)[:30], 0, "header says"},
		{"count too high", frame(2, doc), 32, "says 2 documents, message holds 1"},
		{"count too low", frame(0, doc), 32, "says 0 documents"},
		{"doc overruns", frame(1, doc[:16]), 36, "overruns"},
		{"trailing garbage", frame(1, doc, []byte{1}), 53, "need 4 bytes"},
	}
	short := AppendHeader(nil, Header{Length: 30, OpCode: OpReply})
	tests = append(tests, struct {
		name   string
		msg    []byte
		offset int
		want   string
	}{"truncated fixed part", append(short, make([]byte, 14)...), 30, "fixed part"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseReply(tt.msg)
			var e *Error
			if !errors.As(err, &e) || e.Offset != tt.offset || !strings.Contains(e.Error(), tt.want) {
				t.Fatalf("ParseReply = %v, want %q at %d", err, tt.want, tt.offset)
			}
		})
	}
	if _, err := AppendReply(nil, 1, 2, &Reply{NumberReturned: 2, Documents: Documents(doc)}); err == nil {
		t.Error("AppendReply accepted a wrong NumberReturned")
	}
	if _, err := AppendReply(nil, 1, 2, &Reply{NumberReturned: 1, Documents: Documents(doc[:9])}); err == nil {
		t.Error("AppendReply accepted a broken document")
	}
}
