package bson

import (
	"bytes"
	"encoding/binary"
	"math"
)

// This file is the bottom of the decoder: Read<T> functions that read one
// value of a known type from the start of src and return it with the bytes
// after it. ok is false when src is too short or the value's own framing
// (a length, a terminator, a boolean byte) is wrong; they do not check
// UTF-8 (Raw.Validate does). Slices they return (Raw, RawArray, binary
// data) share memory with src. Strings are copies.
//
// The empty types (undefined, null, min key, max key) have no Read
// function: their values take no bytes.

func readInt32(src []byte) (int32, []byte, bool) {
	if len(src) < 4 {
		return 0, src, false
	}
	return int32(binary.LittleEndian.Uint32(src)), src[4:], true
}

func readUint64(src []byte) (uint64, []byte, bool) {
	if len(src) < 8 {
		return 0, src, false
	}
	return binary.LittleEndian.Uint64(src), src[8:], true
}

// readCString returns the bytes before the first NUL of src and the bytes
// after that NUL.
func readCString(src []byte) ([]byte, []byte, bool) {
	i := bytes.IndexByte(src, 0)
	if i < 0 {
		return nil, src, false
	}
	return src[:i], src[i+1:], true
}

// readStringBytes reads a length-prefixed string without copying it.
func readStringBytes(src []byte) ([]byte, []byte, bool) {
	n, msg := frameString(src)
	if msg != "" {
		return nil, src, false
	}
	return src[4 : n-1], src[n:], true
}

// readDocumentBytes reads a length-prefixed document (or array) whose last
// byte is the NUL terminator.
func readDocumentBytes(src []byte) ([]byte, []byte, bool) {
	n, msg := frameDocument(src)
	if msg != "" {
		return nil, src, false
	}
	return src[:n], src[n:], true
}

// ReadDouble reads a double.
func ReadDouble(src []byte) (float64, []byte, bool) {
	u, rest, ok := readUint64(src)
	return math.Float64frombits(u), rest, ok
}

// ReadString reads a string. It copies the bytes into a new string.
func ReadString(src []byte) (string, []byte, bool) {
	b, rest, ok := readStringBytes(src)
	return string(b), rest, ok
}

// ReadDocument reads an embedded document. The Raw shares memory with src.
func ReadDocument(src []byte) (Raw, []byte, bool) {
	b, rest, ok := readDocumentBytes(src)
	return Raw(b), rest, ok
}

// ReadArray reads an array. The RawArray shares memory with src.
func ReadArray(src []byte) (RawArray, []byte, bool) {
	b, rest, ok := readDocumentBytes(src)
	return RawArray(b), rest, ok
}

// ReadBinary reads binary data and its subtype. For the old subtype 2 it
// checks and strips the inner length, the reverse of AppendBinary. data
// shares memory with src.
func ReadBinary(src []byte) (subtype byte, data []byte, rest []byte, ok bool) {
	n, msg := frameBinary(src)
	if msg != "" {
		return 0, nil, src, false
	}
	subtype, data = src[4], src[5:n]
	if subtype == BinaryBinaryOld {
		data = data[4:]
	}
	return subtype, data, src[n:], true
}

// ReadObjectID reads an ObjectID.
func ReadObjectID(src []byte) (ObjectID, []byte, bool) {
	var oid ObjectID
	if len(src) < len(oid) {
		return oid, src, false
	}
	copy(oid[:], src)
	return oid, src[len(oid):], true
}

// ReadBoolean reads a boolean; a byte other than 0 or 1 is not ok.
func ReadBoolean(src []byte) (bool, []byte, bool) {
	if len(src) < 1 || src[0] > 1 {
		return false, src, false
	}
	return src[0] == 1, src[1:], true
}

// ReadDateTime reads a UTC datetime in milliseconds since the epoch.
func ReadDateTime(src []byte) (int64, []byte, bool) {
	u, rest, ok := readUint64(src)
	return int64(u), rest, ok
}

// ReadRegex reads a regular expression's pattern and options.
func ReadRegex(src []byte) (pattern, options string, rest []byte, ok bool) {
	p, r, ok := readCString(src)
	if !ok {
		return "", "", src, false
	}
	o, r, ok := readCString(r)
	if !ok {
		return "", "", src, false
	}
	return string(p), string(o), r, true
}

// ReadDBPointer reads a DBPointer's namespace and ObjectID.
func ReadDBPointer(src []byte) (ns string, oid ObjectID, rest []byte, ok bool) {
	b, r, ok := readStringBytes(src)
	if !ok {
		return "", oid, src, false
	}
	oid, r, ok = ReadObjectID(r)
	if !ok {
		return "", oid, src, false
	}
	return string(b), oid, r, true
}

// ReadJavaScript reads JavaScript code.
func ReadJavaScript(src []byte) (string, []byte, bool) { return ReadString(src) }

// ReadSymbol reads a symbol.
func ReadSymbol(src []byte) (string, []byte, bool) { return ReadString(src) }

// ReadCodeWithScope reads code with scope: the code and the scope document,
// which shares memory with src. The total length must match its parts.
func ReadCodeWithScope(src []byte) (code string, scope Raw, rest []byte, ok bool) {
	c, s, r, ok := readCodeWithScopeBytes(src)
	return string(c), s, r, ok
}

func readCodeWithScopeBytes(src []byte) (code []byte, scope Raw, rest []byte, ok bool) {
	n, msg := frameCodeWithScope(src)
	if msg != "" {
		return nil, nil, src, false
	}
	code, r, _ := readStringBytes(src[4:n])
	return code, Raw(r), src[n:], true
}

// ReadInt32 reads a 32-bit integer.
func ReadInt32(src []byte) (int32, []byte, bool) { return readInt32(src) }

// ReadTimestamp reads a timestamp: seconds t and increment i.
func ReadTimestamp(src []byte) (t, i uint32, rest []byte, ok bool) {
	if len(src) < 8 {
		return 0, 0, src, false
	}
	return binary.LittleEndian.Uint32(src[4:]), binary.LittleEndian.Uint32(src), src[8:], true
}

// ReadInt64 reads a 64-bit integer.
func ReadInt64(src []byte) (int64, []byte, bool) {
	u, rest, ok := readUint64(src)
	return int64(u), rest, ok
}

// ReadDecimal128 reads a 128-bit decimal.
func ReadDecimal128(src []byte) (Decimal128, []byte, bool) {
	if len(src) < 16 {
		return Decimal128{}, src, false
	}
	l := binary.LittleEndian.Uint64(src)
	h := binary.LittleEndian.Uint64(src[8:])
	return Decimal128{h: h, l: l}, src[16:], true
}

// ReadElement reads one element (type, key, value) from the start of src.
// It checks the framing of the value but not its contents.
func ReadElement(src []byte) (RawElement, []byte, bool) {
	_, n, msg := frameElement(src)
	if msg != "" {
		return nil, src, false
	}
	return RawElement(src[:n]), src[n:], true
}

// ReadValue reads one value of type t from the start of src. It checks the
// framing of the value but not its contents.
func ReadValue(src []byte, t Type) (RawValue, []byte, bool) {
	n, msg := frameValue(t, src)
	if msg != "" {
		return RawValue{}, src, false
	}
	return RawValue{Type: t, Value: src[:n]}, src[n:], true
}
