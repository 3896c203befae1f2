package wire

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// MsgFlags is the OP_MSG flagBits field.
type MsgFlags uint32

// The defined OP_MSG flags. Bits 0-15 are "required": a receiver must refuse
// a message carrying one it does not know. Bits 16-31 are optional and
// ignored when unknown.
const (
	ChecksumPresent MsgFlags = 1 << 0  // a CRC-32C of the message follows the sections
	MoreToCome      MsgFlags = 1 << 1  // no reply to this request / more replies follow
	ExhaustAllowed  MsgFlags = 1 << 16 // the client accepts moreToCome replies

	requiredFlagsMask = 0xFFFF
	knownRequired     = ChecksumPresent | MoreToCome
)

// String lists the set flags, e.g. "checksumPresent|moreToCome".
func (f MsgFlags) String() string {
	var names []string
	for _, fl := range []struct {
		f    MsgFlags
		name string
	}{{ChecksumPresent, "checksumPresent"}, {MoreToCome, "moreToCome"}, {ExhaustAllowed, "exhaustAllowed"}} {
		if f&fl.f != 0 {
			names = append(names, fl.name)
			f &^= fl.f
		}
	}
	if f != 0 {
		names = append(names, "0x"+strconv.FormatUint(uint64(f), 16))
	}
	if len(names) == 0 {
		return "0"
	}
	return strings.Join(names, "|")
}

// Section kinds (payloadType).
const (
	sectionBody     byte = 0
	sectionSequence byte = 1
)

// Msg is an OP_MSG without its header. After ParseMsg its slices alias the
// parsed message; they stay valid as long as those bytes do.
type Msg struct {
	Flags MsgFlags
	// Body is the kind-0 section: the command or the reply, one BSON document.
	Body []byte
	// Sequences are the kind-1 sections in message order, e.g. the
	// "documents" of an insert.
	Sequences []Sequence
	// Checksum is the CRC-32C read by ParseMsg when Flags has
	// ChecksumPresent (already verified). Encoders compute their own and
	// ignore this field.
	Checksum uint32
}

// Sequence is a kind-1 section: documents that stand for the command
// argument named Identifier.
type Sequence struct {
	Identifier string
	Docs       Documents
}

// Sequence returns the kind-1 section named id.
func (m *Msg) Sequence(id string) (Sequence, bool) {
	for _, s := range m.Sequences {
		if s.Identifier == id {
			return s, true
		}
	}
	return Sequence{}, false
}

// AppendMsg appends the whole OP_MSG m (header, flags, body, sequences in
// order, and a checksum when m.Flags has ChecksumPresent) to dst.
func AppendMsg(dst []byte, requestID, responseTo int32, m *Msg) ([]byte, error) {
	start, dst := StartMsg(dst, requestID, responseTo, m.Flags)
	if err := checkWholeDocument(OpMsg, m.Body, "body"); err != nil {
		return dst[:start], err
	}
	dst = AppendBody(dst, m.Body)
	for i, s := range m.Sequences {
		for _, prev := range m.Sequences[:i] {
			if prev.Identifier == s.Identifier {
				return dst[:start], errorf(OpMsg, 0, "section identifier", "duplicate document sequence %q", s.Identifier)
			}
		}
		var seq int
		seq, dst = StartSequence(dst, s.Identifier)
		dst = append(dst, s.Docs...)
		var err error
		if dst, err = EndSequence(dst, seq); err != nil {
			return dst[:start], err
		}
	}
	return FinishMsg(dst, start)
}

// StartMsg appends an OP_MSG header and flagBits to dst and returns the
// message's offset for FinishMsg. Between the two, append exactly one body
// (AppendBody, or StartBody and a document built in place) and any number of
// document sequences (StartSequence ... EndSequence). FinishMsg does not
// re-check the structure: ParseMsg on the result does, in tests.
func StartMsg(dst []byte, requestID, responseTo int32, flags MsgFlags) (start int, out []byte) {
	start, dst = StartMessage(dst, requestID, responseTo, OpMsg)
	return start, binary.LittleEndian.AppendUint32(dst, uint32(flags))
}

// StartBody appends the kind-0 section marker; the caller appends the body
// document right after it (for example with bson.AppendDocumentStart/End).
func StartBody(dst []byte) []byte {
	return append(dst, sectionBody)
}

// AppendBody appends a kind-0 section holding doc.
func AppendBody(dst []byte, doc []byte) []byte {
	return append(append(dst, sectionBody), doc...)
}

// StartSequence appends the head of a kind-1 section named identifier and
// returns its offset for EndSequence. Append the documents next.
func StartSequence(dst []byte, identifier string) (start int, out []byte) {
	start = len(dst)
	dst = append(dst, sectionSequence, 0, 0, 0, 0)
	dst = append(dst, identifier...)
	return start, append(dst, 0)
}

// EndSequence fills in the size of the kind-1 section StartSequence began at
// start. It checks that the identifier is a non-empty name without NUL bytes
// and that the documents appended since are well framed.
func EndSequence(dst []byte, start int) ([]byte, error) {
	if start < 0 || len(dst)-start < 6 || dst[start] != sectionSequence {
		return dst, errorf(OpMsg, 0, "section", "no document sequence starts at offset %d", start)
	}
	size := len(dst) - start - 1
	if size > maxInt32 {
		return dst, errorf(OpMsg, 0, "section size", "document sequence of %d bytes is too long", size)
	}
	idEnd := start + 5
	for idEnd < len(dst) && dst[idEnd] != 0 {
		idEnd++
	}
	if idEnd == start+5 || idEnd == len(dst) {
		return dst, errorf(OpMsg, 0, "section identifier", "document sequence identifier is empty or not NUL-terminated")
	}
	if _, err := checkDocuments(OpMsg, dst, idEnd+1, len(dst), "sequence document"); err != nil {
		e := err.(*Error)
		return dst, errorf(OpMsg, 0, "section", "document sequence %q: byte %d of the section: %s",
			dst[start+5:idEnd], e.Offset-start, e.Msg)
	}
	binary.LittleEndian.PutUint32(dst[start+1:], uint32(size))
	return dst, nil
}

// FinishMsg completes the OP_MSG StartMsg began at start: it appends the
// CRC-32C when the flags ask for one and fills in the message length.
func FinishMsg(dst []byte, start int) ([]byte, error) {
	if start < 0 || len(dst)-start < HeaderLen+4 {
		return dst, errorf(OpMsg, 0, "messageLength", "no OP_MSG starts at offset %d", start)
	}
	checksum := MsgFlags(binary.LittleEndian.Uint32(dst[start+HeaderLen:]))&ChecksumPresent != 0
	if checksum {
		dst = append(dst, 0, 0, 0, 0)
	}
	dst, err := FinishMessage(dst, start)
	if err != nil || !checksum {
		return dst, err
	}
	end := len(dst) - 4
	binary.LittleEndian.PutUint32(dst[end:], Checksum(dst[start:end]))
	return dst, nil
}

const maxInt32 = 1<<31 - 1

// ParseMsg parses a whole OP_MSG (header included), checking every length:
// the header's, each section's, each document's within its section; exactly
// one body; unique sequence identifiers; no unknown required flag bits; the
// checksum when present. The result's slices alias msg.
func ParseMsg(msg []byte) (Msg, error) {
	var m Msg
	end, err := parseMsgFrame(msg, &m)
	if err != nil {
		return Msg{}, err
	}
	for off := HeaderLen + 4; off < end; {
		kind := msg[off]
		switch kind {
		case sectionBody:
			if m.Body != nil {
				return Msg{}, errorf(OpMsg, off, "section kind", "second body (kind 0) section")
			}
			n, err := checkDocument(OpMsg, msg, off+1, end, "body")
			if err != nil {
				return Msg{}, err
			}
			m.Body = msg[off+1 : off+1+n : off+1+n]
			off += 1 + n
		case sectionSequence:
			s, n, err := parseSequence(msg, off, end)
			if err != nil {
				return Msg{}, err
			}
			if _, dup := m.Sequence(s.Identifier); dup {
				return Msg{}, errorf(OpMsg, off+5, "section identifier", "duplicate document sequence %q", s.Identifier)
			}
			m.Sequences = append(m.Sequences, s)
			off += n
		default:
			return Msg{}, errorf(OpMsg, off, "section kind", "unknown section kind %d", kind)
		}
	}
	if m.Body == nil {
		return Msg{}, errorf(OpMsg, end, "sections", "no body (kind 0) section")
	}
	return m, nil
}

// parseMsgFrame checks the header, flags and checksum and returns where the
// sections end.
func parseMsgFrame(msg []byte, m *Msg) (end int, err error) {
	h, err := ParseHeader(msg)
	if err != nil {
		return 0, err
	}
	if h.OpCode != OpMsg {
		return 0, errorf(h.OpCode, 12, "opCode", "not an OP_MSG")
	}
	if int64(h.Length) != int64(len(msg)) {
		return 0, errorf(OpMsg, 0, "messageLength", "header says %d bytes, message has %d", h.Length, len(msg))
	}
	if len(msg) < HeaderLen+4 {
		return 0, errorf(OpMsg, HeaderLen, "flagBits", "message ends before its flags")
	}
	m.Flags = MsgFlags(binary.LittleEndian.Uint32(msg[HeaderLen:]))
	if unknown := m.Flags & requiredFlagsMask &^ knownRequired; unknown != 0 {
		return 0, errorf(OpMsg, HeaderLen, "flagBits", "unknown required flag bits 0x%x", uint32(unknown))
	}
	end = len(msg)
	if m.Flags&ChecksumPresent != 0 {
		if end < HeaderLen+4+4 {
			return 0, errorf(OpMsg, HeaderLen+4, "checksum", "checksumPresent is set but the message has no room for one")
		}
		end -= 4
		m.Checksum = binary.LittleEndian.Uint32(msg[end:])
		if got := Checksum(msg[:end]); got != m.Checksum {
			return 0, errorf(OpMsg, end, "checksum", "CRC-32C is 0x%08x, message says 0x%08x", got, m.Checksum)
		}
	}
	if end == HeaderLen+4 {
		return 0, errorf(OpMsg, end, "sections", "message has no sections")
	}
	return end, nil
}

// parseSequence parses the kind-1 section at msg[off] (its kind byte) that
// must end by end, and returns it with its length including the kind byte.
func parseSequence(msg []byte, off, end int) (Sequence, int, error) {
	if end-off < 5 {
		return Sequence{}, 0, errorf(OpMsg, off+1, "section size", "need 4 bytes of section size, have %d", end-off-1)
	}
	size := readInt32(msg[off+1:])
	if size < 5 {
		return Sequence{}, 0, errorf(OpMsg, off+1, "section size", "size %d is too small for a document sequence", size)
	}
	if int64(size) > int64(end-off-1) {
		return Sequence{}, 0, errorf(OpMsg, off+1, "section size", "size %d overruns the message by %d bytes", size, int64(size)-int64(end-off-1))
	}
	secEnd := off + 1 + int(size)
	idStart := off + 5
	idEnd := idStart
	for idEnd < secEnd && msg[idEnd] != 0 {
		idEnd++
	}
	if idEnd == secEnd {
		return Sequence{}, 0, errorf(OpMsg, idStart, "section identifier", "identifier is not NUL-terminated within the section")
	}
	if idEnd == idStart {
		return Sequence{}, 0, errorf(OpMsg, idStart, "section identifier", "identifier is empty")
	}
	if _, err := checkDocuments(OpMsg, msg, idEnd+1, secEnd, "sequence document"); err != nil {
		return Sequence{}, 0, err
	}
	return Sequence{
		Identifier: identifier(msg[idStart:idEnd]),
		Docs:       Documents(msg[idEnd+1 : secEnd : secEnd]),
	}, 1 + int(size), nil
}

// identifier converts a sequence identifier to a string without allocating
// for the names the server knows.
func identifier(b []byte) string {
	switch string(b) { // no allocation: the compiler compares in place
	case "documents":
		return "documents"
	case "updates":
		return "updates"
	case "deletes":
		return "deletes"
	case "ops":
		return "ops"
	case "nsInfo":
		return "nsInfo"
	}
	return string(b)
}
