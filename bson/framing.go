package bson

import (
	"bytes"
	"encoding/binary"
	"strconv"
)

// This file finds where values end. Each frame function looks at the start
// of src, checks the framing of one value (lengths against the bytes left,
// terminators, the inner length of binary subtype 2, the parts of code with
// scope) and returns its size, or a message saying what is wrong. It does
// not look inside strings or nested documents: validate.go does that.

// frameLength reads the int32 length at the start of src.
func frameLength(src []byte, what string) (int, string) {
	if len(src) < 4 {
		return 0, what + " length truncated: " + strconv.Itoa(len(src)) + " bytes left, need 4"
	}
	return int(int32(binary.LittleEndian.Uint32(src))), ""
}

func frameExceeds(what string, n, left int) string {
	return what + " length " + strconv.Itoa(n) + " exceeds the " + strconv.Itoa(left) + " bytes left"
}

// frameString frames a string (also JavaScript code, symbols): an int32
// length that counts the terminating NUL, the bytes, the NUL.
func frameString(src []byte) (int, string) {
	n, msg := frameLength(src, "string")
	switch {
	case msg != "":
		return 0, msg
	case n < 1:
		return 0, "string length " + strconv.Itoa(n) + " is less than 1"
	case n > len(src)-4:
		return 0, frameExceeds("string", n, len(src)-4)
	case src[4+n-1] != 0:
		return 0, "string is not NUL-terminated"
	}
	return 4 + n, ""
}

// frameDocument frames a document or array: an int32 length that counts
// itself, the elements and the terminating NUL.
func frameDocument(src []byte) (int, string) {
	n, msg := frameLength(src, "document")
	switch {
	case msg != "":
		return 0, msg
	case n < 5:
		return 0, "document length " + strconv.Itoa(n) + " is less than 5"
	case n > len(src):
		return 0, frameExceeds("document", n, len(src))
	case src[n-1] != 0:
		return 0, "document does not end with a NUL byte"
	}
	return n, ""
}

// frameBinary frames binary data: an int32 length, the subtype byte, the
// data; for subtype 2 the data starts with its own int32 length.
func frameBinary(src []byte) (int, string) {
	n, msg := frameLength(src, "binary")
	switch {
	case msg != "":
		return 0, msg
	case n < 0:
		return 0, "binary length " + strconv.Itoa(n) + " is negative"
	case n > len(src)-5:
		return 0, frameExceeds("binary", n, len(src)-5)
	}
	if src[4] == BinaryBinaryOld {
		inner, msg := frameLength(src[5:5+n], "binary subtype 2 inner")
		if msg != "" {
			return 0, msg
		}
		if inner != n-4 {
			return 0, "binary subtype 2 inner length " + strconv.Itoa(inner) + " does not match outer length " +
				strconv.Itoa(n) + " - 4"
		}
	}
	return 5 + n, ""
}

// frameCString frames a NUL-terminated string.
func frameCString(src []byte, what string) (int, string) {
	i := bytes.IndexByte(src, 0)
	if i < 0 {
		return 0, what + " is not NUL-terminated"
	}
	return i + 1, ""
}

// frameCodeWithScope frames code with scope: an int32 total length, then a
// string and a document that must fill that length exactly.
func frameCodeWithScope(src []byte) (int, string) {
	n, msg := frameLength(src, "code with scope")
	switch {
	case msg != "":
		return 0, msg
	case n < 14:
		return 0, "code with scope length " + strconv.Itoa(n) + " is less than the minimum 14"
	case n > len(src):
		return 0, frameExceeds("code with scope", n, len(src))
	}
	s, msg := frameString(src[4:n])
	if msg != "" {
		return 0, "code with scope: " + msg
	}
	d, msg := frameDocument(src[4+s : n])
	if msg != "" {
		return 0, "code with scope: scope " + msg
	}
	if 4+s+d != n {
		return 0, "code with scope length " + strconv.Itoa(n) + " does not match its parts (" +
			strconv.Itoa(4+s+d) + " bytes)"
	}
	return n, ""
}

// frameElement frames the element at the start of src: it returns the
// length of its key (-1 when the key has no end) and its total size, or a
// message saying why it is malformed.
func frameElement(src []byte) (keyLen, size int, msg string) {
	if len(src) == 0 {
		return -1, 0, "missing element"
	}
	k := keyLength(src[1:])
	if k < 0 {
		return -1, 0, "key is not NUL-terminated"
	}
	n, msg := frameValue(Type(src[0]), src[k+2:])
	if msg != "" {
		return k, 0, msg
	}
	return k, k + 2 + n, ""
}

// keyLength returns the index of the first NUL in src, or -1. Keys are
// mostly short, and a plain loop beats the call to bytes.IndexByte for them.
func keyLength(src []byte) int {
	for i := 0; i < len(src) && i < 16; i++ {
		if src[i] == 0 {
			return i
		}
	}
	if len(src) <= 16 {
		return -1
	}
	if i := bytes.IndexByte(src[16:], 0); i >= 0 {
		return 16 + i
	}
	return -1
}

// frameFixed holds the size of the values of fixed-size types, -1 for types
// with a length of their own and 0 for the empty types and invalid bytes.
var frameFixed = [256]int8{
	TypeDouble: 8, TypeString: -1, TypeEmbeddedDocument: -1, TypeArray: -1,
	TypeBinary: -1, TypeObjectID: 12, TypeBoolean: 1, TypeDateTime: 8,
	TypeRegex: -1, TypeDBPointer: -1, TypeJavaScript: -1, TypeSymbol: -1,
	TypeCodeWithScope: -1, TypeInt32: 4, TypeTimestamp: 8, TypeInt64: 8,
	TypeDecimal128: 16,
}

// frameValue returns the size of the value of type t at the start of src,
// or a message saying why it does not fit.
func frameValue(t Type, src []byte) (int, string) {
	if !t.Valid() {
		return 0, "unknown element type " + t.String()
	}
	if n := int(frameFixed[t]); n >= 0 {
		if n > len(src) {
			return 0, t.String() + " value truncated: " + strconv.Itoa(len(src)) + " bytes left, need " + strconv.Itoa(n)
		}
		return n, ""
	}
	switch t {
	case TypeString, TypeJavaScript, TypeSymbol:
		return frameString(src)
	case TypeEmbeddedDocument, TypeArray:
		return frameDocument(src)
	case TypeBinary:
		return frameBinary(src)
	case TypeRegex:
		p, msg := frameCString(src, "regex pattern")
		if msg != "" {
			return 0, msg
		}
		o, msg := frameCString(src[p:], "regex options")
		return p + o, msg
	case TypeDBPointer:
		s, msg := frameString(src)
		if msg != "" {
			return 0, "dbPointer namespace: " + msg
		}
		if len(src)-s < 12 {
			return 0, "dbPointer ObjectID truncated"
		}
		return s + 12, ""
	default: // TypeCodeWithScope
		return frameCodeWithScope(src)
	}
}

// elementError describes the malformed element at the start of body, which
// is at offset off: the offset points at the value when the type and key
// are sound, else at the element.
func elementError(body []byte, off int) *DecodeError {
	k, _, msg := frameElement(body)
	if k < 0 {
		return &DecodeError{Offset: off, Msg: msg}
	}
	key := string(body[1 : 1+k])
	if !Type(body[0]).Valid() {
		return &DecodeError{Offset: off, Key: key, Msg: msg}
	}
	return &DecodeError{Offset: off + k + 2, Key: key, Msg: msg}
}
