package wire

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// unhex joins hex pieces written with spaces and comments-free lines.
func unhex(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(strings.Join(parts, " ")), ""))
	if err != nil {
		t.Fatalf("bad fixture hex: %v", err)
	}
	return b
}

// Documents used by the fixtures, each built by hand from the BSON spec.
const (
	// {hello: int32(1), $db: "admin"}
	helloDocHex = "1f000000" + " 10 68656c6c6f00 01000000" + " 02 24646200 06000000 61646d696e00" + " 00"
	// {insert: "c", $db: "db"}
	insertDocHex = "1f000000" + " 02 696e7365727400 02000000 6300" + " 02 24646200 03000000 646200" + " 00"
	// {_id: int32(1)} and {_id: int32(2)}
	id1DocHex = "0e000000 10 5f696400 01000000 00"
	id2DocHex = "0e000000 10 5f696400 02000000 00"
	// {ok: 1.0}
	okDocHex = "11000000 01 6f6b00 000000000000f03f 00"
	// {isMaster: int32(1), helloOk: true}
	isMasterDocHex = "1d000000 10 69734d617374657200 01000000 08 68656c6c6f4f6b00 01 00"
	// {ismaster: true, ok: 1.0}
	ismasterReplyHex = "1c000000 08 69736d617374657200 01 01 6f6b00 000000000000f03f 00"

	// helloMsgHex is the plain OP_MSG that every OP_COMPRESSED fixture wraps:
	// requestID 6, flags 0, the hello body.
	helloMsgHex = "34000000 06000000 00000000 dd070000" + " 00000000" + " 00 " + helloDocHex
	// the wrapped part: helloMsgHex without its header (36 bytes)
	helloPayloadHex = "00000000 00 " + helloDocHex
)

// golden is one hand-built wire message and what it must parse to.
type golden struct {
	name  string
	hex   string
	msg   *Msg   // OP_MSG fixtures
	query *Query // OP_QUERY fixtures
	reply *Reply // OP_REPLY fixtures
	plain string // OP_COMPRESSED fixtures: the hex of the unwrapped message
	comp  *Compressed
}

func goldens(t testing.TB) []golden {
	h := func(s string) []byte { return unhex(t, s) }
	return []golden{{
		name: "OP_MSG insert with a kind-1 documents sequence",
		hex: "5f000000 01000000 00000000 dd070000" + // length 95, requestID 1, responseTo 0, OP_MSG
			" 00000000" + // flagBits
			" 00 " + insertDocHex + // kind 0: the command
			" 01 2a000000 646f63756d656e747300 " + id1DocHex + " " + id2DocHex, // kind 1: size 42, "documents", 2 docs
		msg: &Msg{Body: h(insertDocHex), Sequences: []Sequence{{Identifier: "documents", Docs: Documents(h(id1DocHex + id2DocHex))}}},
	}, {
		name: "OP_MSG hello with checksumPresent and exhaustAllowed",
		hex: "38000000 03000000 00000000 dd070000" + // length 56, requestID 3
			" 01000100" + // checksumPresent | exhaustAllowed
			" 00 " + helloDocHex +
			" 47c21d21", // CRC-32C of the 52 bytes before it
		msg: &Msg{Flags: ChecksumPresent | ExhaustAllowed, Body: h(helloDocHex), Checksum: 0x211dc247},
	}, {
		name: "OP_MSG reply with moreToCome",
		hex: "26000000 02000000 01000000 dd070000" + // length 38, requestID 2, responseTo 1
			" 02000000" + // moreToCome
			" 00 " + okDocHex,
		msg: &Msg{Flags: MoreToCome, Body: h(okDocHex)},
	}, {
		name: "OP_MSG with the sequence before the body",
		hex: "41000000 07000000 00000000 dd070000" + // length 65
			" 00000000" +
			" 01 1a000000 7570646174657300 " + id1DocHex + // kind 1: size 26, "updates", 1 doc
			" 00 " + okDocHex,
		msg: &Msg{Body: h(okDocHex), Sequences: []Sequence{{Identifier: "updates", Docs: Documents(h(id1DocHex))}}},
	}, {
		name: "OP_QUERY legacy hello",
		hex: "44000000 04000000 00000000 d4070000" + // length 68, requestID 4, OP_QUERY
			" 00000000" + // flags
			" 61646d696e2e24636d6400" + // "admin.$cmd"
			" 00000000 ffffffff " + // numberToSkip 0, numberToReturn -1
			isMasterDocHex,
		query: &Query{FullCollectionName: "admin.$cmd", NumberToReturn: -1, Query: h(isMasterDocHex)},
	}, {
		name: "OP_REPLY to the legacy hello",
		hex: "40000000 05000000 04000000 01000000" + // length 64, requestID 5, responseTo 4, OP_REPLY
			" 08000000 0000000000000000 00000000 01000000 " + // AwaitCapable, cursor 0, from 0, 1 doc
			ismasterReplyHex,
		reply: &Reply{Flags: AwaitCapable, NumberReturned: 1, Documents: Documents(h(ismasterReplyHex))},
	}, {
		name: "OP_COMPRESSED noop",
		hex: "3d000000 06000000 00000000 dc070000" + // length 61, OP_COMPRESSED
			" dd070000 24000000 00 " + // OP_MSG, 36 bytes, noop
			helloPayloadHex,
		plain: helloMsgHex,
		comp:  &Compressed{OriginalOpCode: OpMsg, UncompressedSize: 36, Compressor: CompressorNoop, Data: h(helloPayloadHex)},
	}, {
		name: "OP_COMPRESSED snappy",
		hex: "3f000000 06000000 00000000 dc070000" + // length 63
			" dd070000 24000000 01" + // OP_MSG, 36 bytes, snappy
			" 24 8c " + helloPayloadHex, // varint 36, one literal of 36 bytes
		plain: helloMsgHex,
		comp:  &Compressed{OriginalOpCode: OpMsg, UncompressedSize: 36, Compressor: CompressorSnappy, Data: h("24 8c " + helloPayloadHex)},
	}, {
		name: "OP_COMPRESSED zlib",
		hex: "48000000 06000000 00000000 dc070000" + // length 72
			" dd070000 24000000 02" + // OP_MSG, 36 bytes, zlib
			" 7801 01 2400 dbff " + helloPayloadHex + " 4e720540", // zlib header, final stored block, Adler-32
		plain: helloMsgHex,
		comp:  &Compressed{OriginalOpCode: OpMsg, UncompressedSize: 36, Compressor: CompressorZlib, Data: h("7801 01 2400 dbff " + helloPayloadHex + " 4e720540")},
	}, {
		name: "OP_COMPRESSED zstd",
		hex: "46000000 06000000 00000000 dc070000" + // length 70
			" dd070000 24000000 03" + // OP_MSG, 36 bytes, zstd
			" 28b52ffd 20 24 210100 " + helloPayloadHex, // magic, single segment of 36, one raw last block
		plain: helloMsgHex,
		comp:  &Compressed{OriginalOpCode: OpMsg, UncompressedSize: 36, Compressor: CompressorZstd, Data: h("28b52ffd 20 24 210100 " + helloPayloadHex)},
	}}
}

// TestGolden parses each fixture to the expected struct and encodes the
// struct back to the same bytes. Compressed fixtures must also decompress to
// the plain message, and compressing that again must round-trip.
func TestGolden(t *testing.T) {
	for _, g := range goldens(t) {
		t.Run(g.name, func(t *testing.T) {
			raw := unhex(t, g.hex)
			h, err := ParseHeader(raw)
			if err != nil {
				t.Fatal(err)
			}
			if int(h.Length) != len(raw) {
				t.Fatalf("fixture length %d, header says %d", len(raw), h.Length)
			}
			var again []byte
			switch {
			case g.msg != nil:
				m, err := ParseMsg(raw)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(*g.msg, m); diff != "" {
					t.Fatalf("ParseMsg (-want +got):\n%s", diff)
				}
				again, err = AppendMsg(nil, h.RequestID, h.ResponseTo, &m)
				if err != nil {
					t.Fatal(err)
				}
				if len(m.Sequences) > 0 && raw[HeaderLen+4] == sectionSequence {
					// AppendMsg writes the body first; the re-encoding must still
					// parse to the same Msg.
					m2, err := ParseMsg(again)
					if err != nil || !cmp.Equal(m, m2) {
						t.Fatalf("re-encoded message parses to %+v, %v", m2, err)
					}
					return
				}
			case g.query != nil:
				q, err := ParseQuery(raw)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(*g.query, q); diff != "" {
					t.Fatalf("ParseQuery (-want +got):\n%s", diff)
				}
				again, err = AppendQuery(nil, h.RequestID, &q)
				if err != nil {
					t.Fatal(err)
				}
			case g.reply != nil:
				r, err := ParseReply(raw)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(*g.reply, r); diff != "" {
					t.Fatalf("ParseReply (-want +got):\n%s", diff)
				}
				again, err = AppendReply(nil, h.RequestID, h.ResponseTo, &r)
				if err != nil {
					t.Fatal(err)
				}
			default:
				again = checkCompressedGolden(t, g, h, raw)
			}
			if !bytes.Equal(again, raw) {
				t.Fatalf("re-encoded\n%x\nwant\n%x", again, raw)
			}
		})
	}
}

func checkCompressedGolden(t *testing.T, g golden, h Header, raw []byte) []byte {
	hc, c, err := ParseCompressed(raw)
	if err != nil {
		t.Fatal(err)
	}
	if hc != h {
		t.Fatalf("ParseCompressed header %+v, want %+v", hc, h)
	}
	if diff := cmp.Diff(*g.comp, c); diff != "" {
		t.Fatalf("ParseCompressed (-want +got):\n%s", diff)
	}
	plain := unhex(t, g.plain)
	got, err := Decompress(nil, raw, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Fatalf("Decompress\n%x\nwant\n%x", got, plain)
	}
	if _, err := ParseMsg(got); err != nil {
		t.Fatalf("decompressed message does not parse: %v", err)
	}
	// Our own encoder's bytes may differ from the hand-built stream; they
	// must decompress to the same message.
	re, err := Compress(nil, plain, c.Compressor, ZlibDefaultLevel)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := Decompress(nil, re, 0); err != nil || !bytes.Equal(back, plain) {
		t.Fatalf("Compress then Decompress = %x, %v", back, err)
	}
	again, err := AppendCompressed(nil, h.RequestID, h.ResponseTo, &c)
	if err != nil {
		t.Fatal(err)
	}
	return again
}
