package bson

import "bytes"

// RawElement is one encoded element of a document: its type byte, its
// NUL-terminated key and its value. Its methods never panic; on malformed
// bytes they return zero values.
type RawElement []byte

// KeyBytes returns the key without copying it.
func (e RawElement) KeyBytes() []byte {
	if len(e) < 2 {
		return nil
	}
	k := bytes.IndexByte(e[1:], 0)
	if k < 0 {
		return nil
	}
	return e[1 : 1+k]
}

// Key returns the key as a new string.
func (e RawElement) Key() string { return string(e.KeyBytes()) }

// Type returns the element's type byte (0 for an empty element).
func (e RawElement) Type() Type {
	if len(e) == 0 {
		return 0
	}
	return Type(e[0])
}

// Value returns the element's value, sharing memory with e. It is the zero
// RawValue when the element is malformed.
func (e RawElement) Value() RawValue {
	if len(e) < 2 {
		return RawValue{}
	}
	k := bytes.IndexByte(e[1:], 0)
	if k < 0 {
		return RawValue{}
	}
	return RawValue{Type: Type(e[0]), Value: e[k+2:]}
}

// Validate checks the element as Raw.Validate checks a document.
func (e RawElement) Validate() error {
	k, n, msg := frameElement(e)
	if msg != "" {
		return elementError(e, 0)
	}
	if n != len(e) {
		return &DecodeError{Offset: n, Key: e.Key(), Msg: "trailing bytes after the element"}
	}
	if err := validateElement(e, k, 0, 1, true); err != nil {
		return err
	}
	return nil
}
