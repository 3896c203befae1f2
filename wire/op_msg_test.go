package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rawMsg frames parts (anything) as an OP_MSG with a correct length, so that
// tests can build malformed sections.
func rawMsg(flags uint32, parts ...[]byte) []byte {
	b := AppendHeader(nil, Header{RequestID: 9, OpCode: OpMsg})
	b = appendInt32(b, int32(flags))
	for _, p := range parts {
		b = append(b, p...)
	}
	b, _ = FinishMessage(b, 0)
	return b
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestMsgRoundTripFlagsAndSections(t *testing.T) {
	body := unhex(t, insertDocHex)
	d1, d2 := unhex(t, id1DocHex), unhex(t, id2DocHex)
	flagSets := []MsgFlags{0, ChecksumPresent, MoreToCome, ExhaustAllowed,
		ChecksumPresent | MoreToCome, ChecksumPresent | ExhaustAllowed, MoreToCome | ExhaustAllowed,
		ChecksumPresent | MoreToCome | ExhaustAllowed, ExhaustAllowed | 1<<20 | 1<<31}
	seqSets := [][]Sequence{
		nil,
		{{Identifier: "documents", Docs: Documents(cat(d1, d2))}},
		{{Identifier: "updates", Docs: Documents(d1)}, {Identifier: "deletes", Docs: Documents(d2)}},
		{{Identifier: "custom-name", Docs: Documents{}}}, // an empty sequence is legal
	}
	for _, flags := range flagSets {
		for _, seqs := range seqSets {
			in := Msg{Flags: flags, Body: body, Sequences: seqs}
			enc, err := AppendMsg([]byte("prefix"), 11, 22, &in)
			if err != nil {
				t.Fatalf("%v: AppendMsg: %v", flags, err)
			}
			if string(enc[:6]) != "prefix" {
				t.Fatal("AppendMsg clobbered dst")
			}
			raw := enc[6:]
			out, err := ParseMsg(raw)
			if err != nil {
				t.Fatalf("%v %d sequences: ParseMsg: %v", flags, len(seqs), err)
			}
			if flags&ChecksumPresent != 0 {
				in.Checksum = Checksum(raw[:len(raw)-4])
			}
			if diff := cmp.Diff(in, out, cmp.Comparer(func(a, b Documents) bool { return bytes.Equal(a, b) })); diff != "" {
				t.Fatalf("%v: round trip (-in +out):\n%s", flags, diff)
			}
			h, _ := ParseHeader(raw)
			if h.RequestID != 11 || h.ResponseTo != 22 || h.OpCode != OpMsg || int(h.Length) != len(raw) {
				t.Fatalf("header %+v", h)
			}
			again, err := AppendMsg(nil, 11, 22, &out)
			if err != nil || !bytes.Equal(again, raw) {
				t.Fatalf("%v: re-encoding differs: %v\n%x\n%x", flags, err, again, raw)
			}
		}
	}
}

// TestMsgBuildInPlace builds the insert fixture with the start/finish helpers
// and checks it equals the hand-built bytes.
func TestMsgBuildInPlace(t *testing.T) {
	want := unhex(t, goldens(t)[0].hex)
	start, dst := StartMsg([]byte{0xAA}, 1, 0, 0)
	dst = StartBody(dst)
	dst = append(dst, unhex(t, insertDocHex)...) // a real caller appends with bson.Append*
	seq, dst := StartSequence(dst, "documents")
	dst = append(dst, unhex(t, id1DocHex)...)
	dst = append(dst, unhex(t, id2DocHex)...)
	dst, err := EndSequence(dst, seq)
	if err != nil {
		t.Fatal(err)
	}
	dst, err = FinishMsg(dst, start)
	if err != nil {
		t.Fatal(err)
	}
	if dst[0] != 0xAA || !bytes.Equal(dst[1:], want) {
		t.Fatalf("built\n%x\nwant\n%x", dst[1:], want)
	}
}

func TestMsgSequenceHelpers(t *testing.T) {
	m, err := ParseMsg(unhex(t, goldens(t)[0].hex))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := m.Sequence("documents")
	if !ok || s.Docs.Count() != 2 {
		t.Fatalf("Sequence(documents) = %v, %v", s, ok)
	}
	if _, ok := m.Sequence("updates"); ok {
		t.Fatal("found a sequence that is not there")
	}
	var got [][]byte
	for d := range s.Docs.All() {
		got = append(got, d)
	}
	if len(got) != 2 || !bytes.Equal(got[0], unhex(t, id1DocHex)) || !bytes.Equal(got[1], unhex(t, id2DocHex)) {
		t.Fatalf("All yielded %x", got)
	}
	// Parsed slices are capped: appending to one never overwrites the next.
	if cap(got[0]) != len(got[0]) || cap(m.Body) != len(m.Body) {
		t.Fatal("parsed slices are not capped at their length")
	}
	if joined := AppendDocuments([]byte("x"), got...); !bytes.Equal(joined[1:], s.Docs) || joined[0] != 'x' {
		t.Fatalf("AppendDocuments = %x", joined)
	}
	if _, _, ok := Documents([]byte{9, 0, 0}).Next(); ok {
		t.Fatal("Next accepted a truncated document")
	}
}

func TestMsgFlagsString(t *testing.T) {
	for f, want := range map[MsgFlags]string{
		0: "0", ChecksumPresent: "checksumPresent", MoreToCome | ExhaustAllowed: "moreToCome|exhaustAllowed",
		ChecksumPresent | 1<<20: "checksumPresent|0x100000",
	} {
		if got := f.String(); got != want {
			t.Errorf("%#x.String() = %q, want %q", uint32(f), got, want)
		}
	}
}

func TestParseMsgErrors(t *testing.T) {
	body := unhex(t, okDocHex)
	b0 := cat([]byte{0}, body)
	seq := func(size int32, rest ...[]byte) []byte {
		return cat(append([][]byte{{1}, appendInt32(nil, size)}, rest...)...)
	}
	good := rawMsg(0, b0)
	withLen := func(n int32) []byte {
		b := bytes.Clone(good)
		copy(b, appendInt32(nil, n))
		return b
	}
	badCRC := rawMsg(uint32(ChecksumPresent), b0, []byte{1, 2, 3, 4})
	badDocEnd := bytes.Clone(body)
	badDocEnd[len(badDocEnd)-1] = 7
	tests := []struct {
		name   string
		msg    []byte
		offset int
		want   string
	}{
		{"short header", good[:10], 10, "need 16 bytes"},
		{"wrong opcode", unhex(t, goldens(t)[4].hex), 12, "not an OP_MSG"},
		{"length too long", withLen(int32(len(good) + 1)), 0, "header says"},
		{"length too short", withLen(int32(len(good) - 1)), 0, "header says"},
		{"no flags", AppendHeader(nil, Header{Length: 16, OpCode: OpMsg}), 16, "ends before its flags"},
		{"no sections", rawMsg(0), 20, "no sections"},
		{"unknown required bit", rawMsg(1<<2, b0), 16, "unknown required flag bits 0x4"},
		{"required bit 15", rawMsg(1<<15, b0), 16, "0x8000"},
		{"checksum missing", rawMsg(uint32(ChecksumPresent)), 20, "no room"},
		{"checksum wrong", badCRC, len(badCRC) - 4, "CRC-32C"},
		{"unknown section kind", rawMsg(0, b0, []byte{2, 0, 0, 0, 0}), 38, "unknown section kind 2"},
		{"no body", rawMsg(0, seq(13, []byte("ids\x00"), []byte{5, 0, 0, 0, 0})), 34, "no body"},
		{"two bodies", rawMsg(0, b0, b0), 38, "second body"},
		{"body length short", rawMsg(0, []byte{0, 3, 0, 0, 0}), 21, "less than 5"},
		{"body truncated", rawMsg(0, b0[:10]), 21, "overruns"},
		{"body length field cut", rawMsg(0, []byte{0, 5, 0}), 21, "need 4 bytes"},
		{"body without terminator", rawMsg(0, cat([]byte{0}, badDocEnd)), 37, "does not end with 0x00"},
		{"trailing byte after body", rawMsg(0, b0, []byte{1}), 39, "need 4 bytes of section size"},
		{"sequence size cut", rawMsg(0, b0, []byte{1, 9, 0}), 39, "need 4 bytes of section size"},
		{"sequence size tiny", rawMsg(0, b0, seq(4, []byte{0})), 39, "too small"},
		{"sequence overruns", rawMsg(0, b0, seq(40, []byte("x\x00"))), 39, "overruns the message"},
		{"identifier unterminated", rawMsg(0, b0, seq(6, []byte("ab"))), 43, "not NUL-terminated"},
		{"identifier empty", rawMsg(0, b0, seq(5, []byte{0})), 43, "empty"},
		{"sequence doc overruns section", rawMsg(0, b0, seq(9, []byte("x\x00"), []byte{5, 0, 0})), 45, "need 4 bytes"},
		{"sequence doc too long", rawMsg(0, b0, seq(11, []byte("x\x00"), []byte{9, 0, 0, 0, 0})), 45, "overruns its container by 4"},
		{"sequence doc then garbage", rawMsg(0, b0, seq(13, []byte("x\x00"), []byte{5, 0, 0, 0, 0, 1, 2})), 50, "need 4 bytes"},
		{"duplicate identifier", rawMsg(0, b0, seq(6, []byte("x\x00")), seq(6, []byte("x\x00"))), 50, "duplicate document sequence \"x\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMsg(tt.msg)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseMsg = %v, want *Error", err)
			}
			if e.Offset != tt.offset || !strings.Contains(e.Error(), tt.want) {
				t.Fatalf("error %q at offset %d, want %q at %d", e, e.Offset, tt.want, tt.offset)
			}
		})
	}
}

func TestAppendMsgErrors(t *testing.T) {
	body := unhex(t, okDocHex)
	doc := unhex(t, id1DocHex)
	tests := []struct {
		name string
		m    Msg
		want string
	}{
		{"nil body", Msg{}, "body"},
		{"body with trailing bytes", Msg{Body: cat(body, []byte{0})}, "1 bytes follow"},
		{"body too short", Msg{Body: body[:8]}, "overruns"},
		{"empty identifier", Msg{Body: body, Sequences: []Sequence{{Identifier: "", Docs: Documents(doc)}}}, "empty"},
		{"NUL in identifier", Msg{Body: body, Sequences: []Sequence{{Identifier: "a\x00b", Docs: Documents(doc)}}}, "document sequence \"a\""},
		{"broken document", Msg{Body: body, Sequences: []Sequence{{Identifier: "documents", Docs: Documents(doc[:9])}}}, "byte 15 of the section"},
		{"duplicate identifier", Msg{Body: body, Sequences: []Sequence{{Identifier: "a"}, {Identifier: "a"}}}, "duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("keep")
			out, err := AppendMsg(dst, 1, 0, &tt.m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("AppendMsg error = %v, want %q", err, tt.want)
			}
			if string(out) != "keep" {
				t.Fatalf("AppendMsg left %q in dst after an error", out)
			}
		})
	}
	if _, err := FinishMsg([]byte{1, 2}, 0); err == nil {
		t.Fatal("FinishMsg accepted a non-message")
	}
	if _, err := EndSequence([]byte{0, 1, 2, 3, 4, 5}, 0); err == nil {
		t.Fatal("EndSequence accepted a non-sequence")
	}
}

func TestChecksumKnownVector(t *testing.T) {
	// The CRC-32C check value from RFC 3720 / the Castagnoli paper.
	if got := Checksum([]byte("123456789")); got != 0xE3069283 {
		t.Fatalf("Checksum(123456789) = %#x", got)
	}
}
