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
//   - the types of this package: the BSON type each stands for (Vector:
//     binary subtype 9)
//   - with an Encoder, a type that has a custom codec in its Registry:
//     what that codec writes (before any of the rules here)
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
func Marshal(v any) ([]byte, error) { return Encoder{}.Marshal(v) }

// MarshalAppend appends the BSON document for v to dst, as Marshal does.
// With a dst of enough capacity, reused from call to call, marshaling
// allocates nothing for most values. On error it returns dst unchanged.
func MarshalAppend(dst []byte, v any) ([]byte, error) { return Encoder{}.MarshalAppend(dst, v) }

// MarshalValue returns the BSON type and value bytes for any Go value v,
// documents and scalars alike: MarshalValue(int32(1)) is (TypeInt32,
// []byte{1, 0, 0, 0}).
func MarshalValue(v any) (Type, []byte, error) { return Encoder{}.MarshalValue(v) }

// Encoder holds the options of Marshal. The zero value is the default
// that Marshal uses; set fields in a literal:
//
//	doc, err := bson.Encoder{NilSliceAsEmpty: true}.Marshal(v)
//
// The options are those of the official Go driver's Encoder, with the same
// effect. Each set of options has codecs of its own, compiled once.
type Encoder struct {
	// Registry holds custom codecs for Go types (see Registry); nil means
	// none.
	Registry *Registry

	// NilSliceAsEmpty writes a nil slice (D and A included) as an empty
	// array (an empty document for D) instead of null.
	NilSliceAsEmpty bool

	// NilByteSliceAsEmpty writes a nil []byte as empty binary instead of
	// null.
	NilByteSliceAsEmpty bool

	// NilMapAsEmpty writes a nil map (M included) as an empty document
	// instead of null.
	NilMapAsEmpty bool

	// OmitEmpty omits the empty fields of every struct, as if each field
	// were tagged omitempty.
	OmitEmpty bool

	// OmitZeroStruct makes omitempty (the tag or OmitEmpty) omit a struct
	// field whose value is the zero value of its type; by default structs
	// are never empty.
	OmitZeroStruct bool

	// IntMinSize writes every integer that fits in 32 bits as int32, as
	// the minsize tag does for one field.
	IntMinSize bool

	// UseJSONStructTags reads the json tag of a struct field that has no
	// bson tag (`json:"name,omitempty"`).
	UseJSONStructTags bool
}

// codecFlags returns the options of enc that change codecs.
func (enc *Encoder) codecFlags() codecFlags {
	if *enc == (Encoder{}) { // the default: Marshal's path
		return codecFlags{}
	}
	fl := codecFlags{reg: enc.Registry}
	for _, o := range [...]struct {
		on  bool
		bit flagBits
	}{
		{enc.NilSliceAsEmpty, optNilSliceEmpty},
		{enc.NilByteSliceAsEmpty, optNilByteSliceEmpty},
		{enc.NilMapAsEmpty, optNilMapEmpty},
		{enc.OmitEmpty, optOmitEmpty},
		{enc.OmitZeroStruct, optOmitZeroStruct},
		{enc.IntMinSize, optIntMinSize},
		{enc.UseJSONStructTags, optJSONTags},
	} {
		if o.on {
			fl.bits |= o.bit
		}
	}
	return fl
}

// Marshal returns the BSON document for v, as the function Marshal does,
// with the options of enc.
func (enc Encoder) Marshal(v any) ([]byte, error) {
	buf := getBuffer()
	out, err := enc.MarshalAppend(buf.b[:0], v)
	if err != nil {
		putBuffer(buf, out)
		return nil, err
	}
	doc := append([]byte(nil), out...)
	putBuffer(buf, out)
	return doc, nil
}

// MarshalAppend appends the BSON document for v to dst, as the function
// MarshalAppend does, with the options of enc.
func (enc Encoder) MarshalAppend(dst []byte, v any) ([]byte, error) {
	var out []byte
	var err error
	fl := envOf(enc.codecFlags())
	switch x := v.(type) {
	case D: // nil D is an empty document
		out, err = appendD(dst, x, 0, fl)
	default:
		out, err = appendAnyDocument(dst, v, 0, fl)
	}
	if err != nil {
		return dst, err
	}
	return out, nil
}

// MarshalValue returns the BSON type and value bytes for v, as the
// function MarshalValue does, with the options of enc.
func (enc Encoder) MarshalValue(v any) (Type, []byte, error) {
	buf := getBuffer()
	out, err := appendAnyElement(buf.b[:0], "", v, 0, envOf(enc.codecFlags()))
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
