package bson

import (
	"bytes"
	"math"
	"time"
)

// RawValue is one encoded value with its type, as found in a document. Value
// shares memory with the document it came from. Each accessor returns ok ==
// false, never a panic, when the type differs or the bytes are malformed.
type RawValue struct {
	Type  Type
	Value []byte
}

// IsZero reports whether v is the zero RawValue, which the lookups return
// for a missing element.
func (v RawValue) IsZero() bool { return v.Type == 0 && len(v.Value) == 0 }

// Equal reports whether v and w have the same type and the same bytes.
func (v RawValue) Equal(w RawValue) bool {
	return v.Type == w.Type && bytes.Equal(v.Value, w.Value)
}

// Validate checks the value as Raw.Validate checks a document: framing,
// UTF-8, nested documents.
func (v RawValue) Validate() error { return v.validate(true) }

// validateStructure checks the value as ValidateStructure checks a document.
func (v RawValue) validateStructure() error { return v.validate(false) }

func (v RawValue) validate(utf bool) error {
	n, msg := frameValue(v.Type, v.Value)
	if msg != "" {
		return decodeErr(0, msg)
	}
	if n != len(v.Value) {
		return decodeErr(n, "trailing bytes after the "+v.Type.String()+" value")
	}
	if err := validateValue(v.Type, v.Value, 0, 1, utf); err != nil {
		return err
	}
	return nil
}

// Double returns the value of a double.
func (v RawValue) Double() (float64, bool) {
	if v.Type != TypeDouble {
		return 0, false
	}
	f, _, ok := ReadDouble(v.Value)
	return f, ok
}

// StringValue returns the value of a string as a new string.
func (v RawValue) StringValue() (string, bool) {
	b, ok := v.StringBytes()
	return string(b), ok
}

// StringBytes returns the bytes of a string without copying them.
func (v RawValue) StringBytes() ([]byte, bool) {
	if v.Type != TypeString {
		return nil, false
	}
	b, _, ok := readStringBytes(v.Value)
	return b, ok
}

// Document returns an embedded document.
func (v RawValue) Document() (Raw, bool) {
	if v.Type != TypeEmbeddedDocument {
		return nil, false
	}
	d, _, ok := ReadDocument(v.Value)
	return d, ok
}

// Array returns an array.
func (v RawValue) Array() (RawArray, bool) {
	if v.Type != TypeArray {
		return nil, false
	}
	a, _, ok := ReadArray(v.Value)
	return a, ok
}

// Binary returns binary data; Data shares memory with v.
func (v RawValue) Binary() (Binary, bool) {
	if v.Type != TypeBinary {
		return Binary{}, false
	}
	st, data, _, ok := ReadBinary(v.Value)
	return Binary{Subtype: st, Data: data}, ok
}

// ObjectID returns an ObjectID.
func (v RawValue) ObjectID() (ObjectID, bool) {
	if v.Type != TypeObjectID {
		return ObjectID{}, false
	}
	oid, _, ok := ReadObjectID(v.Value)
	return oid, ok
}

// Boolean returns a boolean.
func (v RawValue) Boolean() (bool, bool) {
	if v.Type != TypeBoolean {
		return false, false
	}
	b, _, ok := ReadBoolean(v.Value)
	return b, ok
}

// DateTime returns a UTC datetime in milliseconds since the epoch.
func (v RawValue) DateTime() (int64, bool) {
	if v.Type != TypeDateTime {
		return 0, false
	}
	ms, _, ok := ReadDateTime(v.Value)
	return ms, ok
}

// Time returns a UTC datetime as a time.Time.
func (v RawValue) Time() (time.Time, bool) {
	ms, ok := v.DateTime()
	if !ok {
		return time.Time{}, false
	}
	return DateTime(ms).Time(), true
}

// Regex returns a regular expression's pattern and options.
func (v RawValue) Regex() (pattern, options string, ok bool) {
	if v.Type != TypeRegex {
		return "", "", false
	}
	pattern, options, _, ok = ReadRegex(v.Value)
	return pattern, options, ok
}

// DBPointer returns a DBPointer's namespace and ObjectID.
func (v RawValue) DBPointer() (ns string, oid ObjectID, ok bool) {
	if v.Type != TypeDBPointer {
		return "", ObjectID{}, false
	}
	ns, oid, _, ok = ReadDBPointer(v.Value)
	return ns, oid, ok
}

// JavaScript returns JavaScript code.
func (v RawValue) JavaScript() (string, bool) {
	if v.Type != TypeJavaScript {
		return "", false
	}
	s, _, ok := ReadJavaScript(v.Value)
	return s, ok
}

// Symbol returns a symbol.
func (v RawValue) Symbol() (string, bool) {
	if v.Type != TypeSymbol {
		return "", false
	}
	s, _, ok := ReadSymbol(v.Value)
	return s, ok
}

// CodeWithScope returns code with scope; scope shares memory with v.
func (v RawValue) CodeWithScope() (code string, scope Raw, ok bool) {
	if v.Type != TypeCodeWithScope {
		return "", nil, false
	}
	code, scope, _, ok = ReadCodeWithScope(v.Value)
	return code, scope, ok
}

// Int32 returns a 32-bit integer.
func (v RawValue) Int32() (int32, bool) {
	if v.Type != TypeInt32 {
		return 0, false
	}
	i, _, ok := ReadInt32(v.Value)
	return i, ok
}

// Timestamp returns a timestamp's seconds t and increment i.
func (v RawValue) Timestamp() (t, i uint32, ok bool) {
	if v.Type != TypeTimestamp {
		return 0, 0, false
	}
	t, i, _, ok = ReadTimestamp(v.Value)
	return t, i, ok
}

// Int64 returns a 64-bit integer.
func (v RawValue) Int64() (int64, bool) {
	if v.Type != TypeInt64 {
		return 0, false
	}
	i, _, ok := ReadInt64(v.Value)
	return i, ok
}

// Decimal128 returns a 128-bit decimal.
func (v RawValue) Decimal128() (Decimal128, bool) {
	if v.Type != TypeDecimal128 {
		return Decimal128{}, false
	}
	d, _, ok := ReadDecimal128(v.Value)
	return d, ok
}

// AsInt64 returns any integral number as an int64: an int32, an int64, or a
// double that holds an integer in the int64 range (servers send counts such
// as "n" and "ok" in any of these).
func (v RawValue) AsInt64() (int64, bool) {
	switch v.Type {
	case TypeInt32:
		i, ok := v.Int32()
		return int64(i), ok
	case TypeInt64:
		return v.Int64()
	case TypeDouble:
		f, ok := v.Double()
		if !ok || f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
			return 0, false
		}
		return int64(f), true
	}
	return 0, false
}

// AsFloat64 returns any number but a Decimal128 as a float64; an int64
// beyond 2^53 loses precision.
func (v RawValue) AsFloat64() (float64, bool) {
	switch v.Type {
	case TypeInt32:
		i, ok := v.Int32()
		return float64(i), ok
	case TypeInt64:
		i, ok := v.Int64()
		return float64(i), ok
	case TypeDouble:
		return v.Double()
	}
	return 0, false
}
