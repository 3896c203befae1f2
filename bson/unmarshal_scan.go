package bson

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"unicode/utf8"
)

// This file walks the elements of a document for Unmarshal. Every length
// is checked against the bytes that are really there before it is used, so
// truncated or hostile input ends in a *DecodeError, never in a panic or in
// an allocation larger than the input.

// decState is the state of one Unmarshal call.
type decState struct {
	src   []byte // the outermost input; offsets in errors count from its start
	opts  Decoder
	depth int

	// arena holds the bytes of the generic document being decoded (into D,
	// M, A or any) as one string, so that its keys and strings become
	// substrings of it instead of one allocation each. arenaSrc is the
	// []byte the arena was copied from.
	arena    string
	arenaSrc []byte

	// elems and vals are scratch stacks for decodeD and decodeA, kept
	// (empty) with the decState in its pool.
	elems []E
	vals  []any
}

// offset returns the position of b in the input. All the slices a decState
// handles are subslices of src, and slicing keeps the end of the capacity.
func (d *decState) offset(b []byte) int {
	off := cap(d.src) - cap(b)
	if off < 0 || off > len(d.src) {
		return 0
	}
	return off
}

// errAt returns a *DecodeError at the position of b.
func (d *decState) errAt(b []byte, msg string) error {
	return &DecodeError{Offset: d.offset(b), Msg: msg}
}

// errType reports a BSON value that does not fit the Go value it is decoded
// into.
func (d *decState) errType(val []byte, t Type, goType string) error {
	return d.errAt(val, "cannot decode "+t.String()+" into Go value of type "+goType)
}

// prefixKey adds key in front of the key path of a decode error on its way
// up out of the element with that key.
func prefixKey(err error, key []byte) error {
	if de, ok := err.(*DecodeError); ok {
		if de.Key == "" {
			de.Key = string(key)
		} else {
			de.Key = string(key) + "." + de.Key
		}
	}
	return err
}

// openDocument checks the frame of the document doc (length prefix equal
// to len(doc), trailing NUL) and returns its elements.
func (d *decState) openDocument(doc []byte) ([]byte, error) {
	if len(doc) < 5 {
		return nil, d.errAt(doc, "document of "+strconv.Itoa(len(doc))+" bytes is shorter than the minimum of 5")
	}
	if n := int32(binary.LittleEndian.Uint32(doc)); int(n) != len(doc) {
		return nil, d.errAt(doc, "document length "+strconv.Itoa(int(n))+" does not match the "+strconv.Itoa(len(doc))+" bytes it has")
	}
	if doc[len(doc)-1] != 0 {
		return nil, d.errAt(doc[len(doc)-1:], "document does not end with a NUL byte")
	}
	return doc[4 : len(doc)-1], nil
}

// nextElement splits the first element off body: its type, key, value bytes
// and the elements after it.
func (d *decState) nextElement(body []byte) (t Type, key, val, rest []byte, err error) {
	t = Type(body[0])
	n := bytes.IndexByte(body[1:], 0) + 1
	if n == 0 {
		return 0, nil, nil, nil, d.errAt(body, "element key is not NUL-terminated")
	}
	key = body[1:n]
	val = body[n+1:]
	size, msg := frameValue(t, val)
	if msg != "" {
		return 0, nil, nil, nil, prefixKey(d.errAt(val, msg), key)
	}
	return t, key, val[:size], val[size:], nil
}

// countElements returns the number of elements of body, checking their
// framing; decoders use it to allocate a D, a map or a slice exactly once.
func (d *decState) countElements(body []byte) (int, error) {
	n := 0
	for len(body) > 0 {
		_, _, _, rest, err := d.nextElement(body)
		if err != nil {
			return 0, err
		}
		body = rest
		n++
	}
	return n, nil
}

// readStringBytes returns the bytes of a framed string value (without its
// length and NUL), checking that they are UTF-8 under StrictUTF8. (A BSON
// string may hold NUL bytes; only keys and regexes, which are C strings,
// cannot.)
func (d *decState) readStringBytes(val []byte) ([]byte, error) {
	s := val[4 : len(val)-1]
	if d.opts.StrictUTF8 && !validUTF8(s) {
		return nil, d.errAt(val, "string is not valid UTF-8")
	}
	return s, nil
}

// readString returns a framed string value as a Go string: a substring of
// the arena when it covers val, else one new allocation.
func (d *decState) readString(val []byte) (string, error) {
	s, err := d.readStringBytes(val)
	if err != nil {
		return "", err
	}
	return d.str(s), nil
}

// str returns b as a string, from the arena when it covers b.
func (d *decState) str(b []byte) string {
	if d.arenaSrc != nil {
		off := cap(d.arenaSrc) - cap(b)
		if off >= 0 && off+len(b) <= len(d.arenaSrc) {
			return d.arena[off : off+len(b)]
		}
	}
	return string(b)
}

// key returns an element key as a string, checking that it is UTF-8.
func (d *decState) key(k []byte) (string, error) {
	if err := d.checkKey(k); err != nil {
		return "", err
	}
	return d.str(k), nil
}

// checkKey checks that an element key is UTF-8 under StrictUTF8.
func (d *decState) checkKey(k []byte) error {
	if d.opts.StrictUTF8 && !validUTF8(k) {
		return d.errAt(k, "key is not valid UTF-8")
	}
	return nil
}

// cloneBytes copies b into a new slice that is never nil: an empty binary
// decodes to []byte{}, as in the official driver.
func cloneBytes(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }

// splitBinary splits a framed binary value into subtype and data; the
// inner length of subtype 2 (checked by frameBinary) is dropped.
func splitBinary(val []byte) (byte, []byte) {
	sub, data := val[4], val[5:]
	if sub == BinaryBinaryOld {
		data = data[4:]
	}
	return sub, data
}

// readBool decodes a framed boolean, which must be 0 or 1.
func (d *decState) readBool(val []byte) (bool, error) {
	switch val[0] {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, d.errAt(val, "boolean byte is "+strconv.Itoa(int(val[0]))+", not 0 or 1")
}

// readRegex splits a framed regex into pattern and options.
func (d *decState) readRegex(val []byte) (pattern, options string, err error) {
	i := 0
	for val[i] != 0 {
		i++
	}
	p, o := val[:i], val[i+1:len(val)-1]
	if d.opts.StrictUTF8 && (!utf8.Valid(p) || !utf8.Valid(o)) {
		return "", "", d.errAt(val, "regex is not valid UTF-8")
	}
	return d.str(p), d.str(o), nil
}

// readCodeWithScope splits a framed code-with-scope value (whose parts
// frameCodeWithScope checked) into code and scope document.
func (d *decState) readCodeWithScope(val []byte) (code string, scope []byte, err error) {
	n, _ := frameString(val[4:])
	code, err = d.readString(val[4 : 4+n])
	return code, val[4+n:], err
}

func readFloat64(val []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(val)) }
func readInt32LE(val []byte) int32   { return int32(binary.LittleEndian.Uint32(val)) }
func readInt64LE(val []byte) int64   { return int64(binary.LittleEndian.Uint64(val)) }
