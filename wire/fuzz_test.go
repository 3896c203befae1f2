package wire

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzMaxSize keeps the fuzzers' buffers small.
const fuzzMaxSize = 1 << 20

// seedCorpus adds every golden fixture plus a few broken variants of them.
func seedCorpus(f *testing.F) {
	for _, g := range goldens(f) {
		raw := unhex(f, g.hex)
		f.Add(raw)
		f.Add(raw[:len(raw)-1])
		cut := bytes.Clone(raw)
		cut[len(cut)/2] ^= 0xFF
		f.Add(cut)
	}
}

// FuzzReadMessage feeds arbitrary bytes to ReadMessage and, when a message
// comes out, to the parser of its opcode: nothing may panic, and whatever
// parses must encode back to the same bytes.
func FuzzReadMessage(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, msg, err := ReadMessage(bytes.NewReader(data), nil, fuzzMaxSize)
		if err != nil {
			return
		}
		if int(h.Length) != len(msg) || !bytes.Equal(msg, data[:len(msg)]) {
			t.Fatalf("ReadMessage returned %d bytes for a %d-byte header, not the input's", len(msg), h.Length)
		}
		checkReencodes(t, msg, true)
	})
}

// FuzzParseMsg feeds arbitrary bytes to ParseMsg.
func FuzzParseMsg(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReencodes(t, data, false)
	})
}

// checkReencodes parses msg according to its opcode and checks that the
// result re-encodes to msg. With unwrap, OP_COMPRESSED is also decompressed
// and its content checked in turn.
func checkReencodes(t *testing.T, msg []byte, unwrap bool) {
	h, err := ParseHeader(msg)
	if err != nil {
		return
	}
	var again []byte
	switch h.OpCode {
	case OpMsg:
		m, err := ParseMsg(msg)
		if err != nil {
			return
		}
		if again, err = AppendMsg(nil, h.RequestID, h.ResponseTo, &m); err != nil {
			t.Fatalf("parsed OP_MSG does not encode: %v", err)
		}
		if msg[HeaderLen+4] != sectionBody { // a sequence came first: order is not kept
			m2, err := ParseMsg(again)
			m2.Checksum = m.Checksum // the CRC covers the new section order
			if err != nil || !cmp.Equal(m, m2) {
				t.Fatalf("re-encoded OP_MSG parses to %+v, %v; want %+v", m2, err, m)
			}
			return
		}
	case OpQuery:
		q, err := ParseQuery(msg)
		if err != nil {
			return
		}
		if again, err = AppendQuery(nil, h.RequestID, &q); err != nil {
			t.Fatalf("parsed OP_QUERY does not encode: %v", err)
		}
		copy(again[8:12], msg[8:12]) // AppendQuery always writes responseTo 0
	case OpReply:
		r, err := ParseReply(msg)
		if err != nil {
			return
		}
		if again, err = AppendReply(nil, h.RequestID, h.ResponseTo, &r); err != nil {
			t.Fatalf("parsed OP_REPLY does not encode: %v", err)
		}
	case OpCompressed:
		_, c, err := ParseCompressed(msg)
		if err != nil {
			return
		}
		if again, err = AppendCompressed(nil, h.RequestID, h.ResponseTo, &c); err != nil {
			t.Fatalf("parsed OP_COMPRESSED does not encode: %v", err)
		}
		if unwrap {
			inner, err := Decompress(nil, msg, fuzzMaxSize)
			if err == nil {
				if len(inner) != HeaderLen+int(c.UncompressedSize) {
					t.Fatalf("decompressed %d bytes, announced %d", len(inner)-HeaderLen, c.UncompressedSize)
				}
				checkReencodes(t, inner, false)
			}
		}
	default:
		return
	}
	if !bytes.Equal(again, msg) {
		t.Fatalf("%s re-encodes differently:\n%x\nwant\n%x", h.OpCode, again, msg)
	}
}
