package bson

import "strconv"

// Type is the one-byte tag that precedes every element of a BSON document
// and says how its value is encoded.
type Type byte

// The BSON element types (https://bsonspec.org/spec.html).
const (
	TypeDouble           Type = 0x01
	TypeString           Type = 0x02
	TypeEmbeddedDocument Type = 0x03
	TypeArray            Type = 0x04
	TypeBinary           Type = 0x05
	TypeUndefined        Type = 0x06 // deprecated
	TypeObjectID         Type = 0x07
	TypeBoolean          Type = 0x08
	TypeDateTime         Type = 0x09
	TypeNull             Type = 0x0A
	TypeRegex            Type = 0x0B
	TypeDBPointer        Type = 0x0C // deprecated
	TypeJavaScript       Type = 0x0D
	TypeSymbol           Type = 0x0E // deprecated
	TypeCodeWithScope    Type = 0x0F // deprecated
	TypeInt32            Type = 0x10
	TypeTimestamp        Type = 0x11
	TypeInt64            Type = 0x12
	TypeDecimal128       Type = 0x13
	TypeMaxKey           Type = 0x7F
	TypeMinKey           Type = 0xFF
)

// String returns the name of the type as the BSON specification spells
// it ("double", "embedded document", ...), or "invalid type 0x.." for a byte
// that is not a BSON type.
func (t Type) String() string {
	switch t {
	case TypeDouble:
		return "double"
	case TypeString:
		return "string"
	case TypeEmbeddedDocument:
		return "embedded document"
	case TypeArray:
		return "array"
	case TypeBinary:
		return "binary"
	case TypeUndefined:
		return "undefined"
	case TypeObjectID:
		return "objectID"
	case TypeBoolean:
		return "boolean"
	case TypeDateTime:
		return "UTC datetime"
	case TypeNull:
		return "null"
	case TypeRegex:
		return "regex"
	case TypeDBPointer:
		return "dbPointer"
	case TypeJavaScript:
		return "javascript"
	case TypeSymbol:
		return "symbol"
	case TypeCodeWithScope:
		return "code with scope"
	case TypeInt32:
		return "32-bit integer"
	case TypeTimestamp:
		return "timestamp"
	case TypeInt64:
		return "64-bit integer"
	case TypeDecimal128:
		return "128-bit decimal"
	case TypeMaxKey:
		return "max key"
	case TypeMinKey:
		return "min key"
	}
	return "invalid type 0x" + strconv.FormatUint(uint64(t), 16)
}

// Valid reports whether t is one of the types BSON defines.
func (t Type) Valid() bool {
	return (t >= TypeDouble && t <= TypeDecimal128) || t == TypeMaxKey || t == TypeMinKey
}

// E is one element of an ordered document: a key and its value.
type E struct {
	Key   string
	Value any
}

// D is an ordered document. Use it wherever field order matters, as in
// commands, whose first key names the command.
type D []E

// KV returns the element {key: value}. bson.D{bson.KV("a", 1)} builds a D
// without the unkeyed struct literals that go vet flags.
func KV(key string, value any) E { return E{Key: key, Value: value} }

// M is an unordered document. Marshal writes its keys in map order, which
// Go randomizes, so never use M for commands.
type M map[string]any

// A is an array: its elements are stored with keys "0", "1", ...
type A []any

// Binary is binary data with its subtype.
type Binary struct {
	Subtype byte
	Data    []byte
}

// The binary subtypes of the BSON specification.
const (
	BinaryGeneric     byte = 0x00
	BinaryFunction    byte = 0x01
	BinaryBinaryOld   byte = 0x02 // deprecated: data carries its own int32 length
	BinaryUUIDOld     byte = 0x03 // deprecated: byte order varies between drivers
	BinaryUUID        byte = 0x04
	BinaryMD5         byte = 0x05
	BinaryEncrypted   byte = 0x06
	BinaryColumn      byte = 0x07
	BinarySensitive   byte = 0x08
	BinaryVector      byte = 0x09
	BinaryUserDefined byte = 0x80
)

// Undefined is the deprecated BSON undefined value.
type Undefined struct{}

// Null is the BSON null value.
type Null struct{}

// MinKey compares lower than every other BSON value.
type MinKey struct{}

// MaxKey compares higher than every other BSON value.
type MaxKey struct{}

// Regex is a regular expression with its options ("i", "m", "s", "x", ...).
type Regex struct {
	Pattern string
	Options string
}

// DBPointer is the deprecated reference to a document in another
// collection: a namespace and an ObjectID.
type DBPointer struct {
	DB      string
	Pointer ObjectID
}

// JavaScript is JavaScript code.
type JavaScript string

// Symbol is the deprecated BSON symbol: a string with a different type tag.
type Symbol string

// CodeWithScope is deprecated JavaScript code with a document of variables
// in scope. Scope is any value that marshals to a document.
type CodeWithScope struct {
	Code  JavaScript
	Scope any
}

// Timestamp is the internal MongoDB timestamp: T is seconds since the Unix
// epoch and I an ordinal within that second. It is stored with I first.
type Timestamp struct {
	T uint32
	I uint32
}
