package bson

import "sync"

// Marshal returns the BSON document for v, which must be a document: a
// struct, a map with string (or integer, or encoding.TextMarshaler) keys,
// D, M, Raw, a Marshaler, or a non-nil pointer to one of those.
//
// Go values become BSON as follows:
//
//   - bool: boolean; string: string; float32, float64: double
//   - int8, int16, int32, uint8, uint16: int32; int: int32 when it fits,
//     else int64; int64, uint, uint32, uint64: int64 (int32 with the minsize
//     tag when it fits); a uint beyond the int64 range is an error
//   - []byte and [N]byte: binary subtype 0 (a slice or array of a named
//     byte type is an array of int32, as in the official driver)
//   - time.Time: datetime (milliseconds); json.Number: int64 when it is an
//     integer that fits, else double; url.URL: string; uintptr: an error
//   - other slices and arrays: array; structs and maps: embedded document;
//     D, []E and named types of them (type Filter D): embedded document
//   - nil pointers, nil slices, nil maps and nil interfaces: null
//   - the types of this package: the BSON type each stands for
//   - Marshaler and ValueMarshaler types: what their method returns
//
// Struct fields are written in declaration order, keyed by their bson tag
// or else the lower-cased field name; unexported fields (embedded ones too)
// are skipped. The tag options are those of the official Go driver
// (omitempty, minsize, truncate, inline: of a struct, a *struct, which is
// skipped when nil, or a map with string keys) plus omitzero, which omits a
// field whose IsZero() bool method says so, or whose value is the zero
// value of its type. As in the official driver, a tag's first word is the
// key and also an option when it names one (`bson:"omitempty"`). A
// MarshalBSON or MarshalBSONValue method on the pointer is called only
// when the value is addressable (Marshal(&v) calls it for v's fields,
// Marshal(v) does not). Maps are written in Go's random map order.
func Marshal(v any) ([]byte, error) {
	buf := getBuffer()
	out, err := MarshalAppend(buf.b[:0], v)
	if err != nil {
		putBuffer(buf, out)
		return nil, err
	}
	doc := append([]byte(nil), out...)
	putBuffer(buf, out)
	return doc, nil
}

// MarshalAppend appends the BSON document for v to dst, as Marshal does.
// With a dst of enough capacity, reused from call to call, marshaling
// allocates nothing for most values. On error it returns dst unchanged.
func MarshalAppend(dst []byte, v any) ([]byte, error) {
	var out []byte
	var err error
	switch x := v.(type) {
	case D: // nil D is an empty document
		out, err = appendD(dst, x, 0)
	default:
		out, err = appendAnyDocument(dst, v, 0)
	}
	if err != nil {
		return dst, err
	}
	return out, nil
}

// MarshalValue returns the BSON type and value bytes for any Go value v,
// documents and scalars alike: MarshalValue(int32(1)) is (TypeInt32,
// []byte{1, 0, 0, 0}).
func MarshalValue(v any) (Type, []byte, error) {
	buf := getBuffer()
	out, err := appendAnyElement(buf.b[:0], "", v, 0)
	if err != nil {
		putBuffer(buf, out)
		return 0, nil, err
	}
	t, val := Type(out[0]), append([]byte(nil), out[2:]...) // out holds type, "" key, value
	putBuffer(buf, out)
	return t, val, nil
}

// marshalBuffer is a scratch buffer that Marshal reuses between calls.
type marshalBuffer struct{ b []byte }

var bufferPool = sync.Pool{New: func() any { return &marshalBuffer{b: make([]byte, 0, 1024)} }}

// maxPooledBuffer is the capacity above which a buffer is left to the
// garbage collector, so that one huge document does not pin memory.
const maxPooledBuffer = 1 << 20

func getBuffer() *marshalBuffer { return bufferPool.Get().(*marshalBuffer) }

func putBuffer(buf *marshalBuffer, used []byte) {
	if cap(used) <= maxPooledBuffer {
		buf.b = used[:0]
		bufferPool.Put(buf)
	}
}
