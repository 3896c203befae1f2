package bson

import (
	"reflect"
	"strconv"
	"sync"
)

// Decoder holds the options of Unmarshal. The zero value is the default
// that Unmarshal uses; set fields in a literal:
//
//	err := bson.Decoder{DefaultDocumentM: true}.Unmarshal(data, &v)
type Decoder struct {
	// DefaultDocumentM makes documents decoded into an interface{} (and the
	// scopes of code with scope) M instead of D. Arrays stay A.
	DefaultDocumentM bool

	// StrictUTF8 refuses strings, keys, regexes, JavaScript code and
	// symbols that are not valid UTF-8 with a *DecodeError naming the key
	// path, and checks a value decoded into Raw, RawValue or skipped (a key
	// no struct field takes) as Validate does, booleans included. By
	// default such strings decode byte for byte (MongoDB stores them as
	// they are, Marshal writes a Go string as it is, and the official
	// driver reads them the same way), and those values are checked as
	// ValidateStructure does.
	StrictUTF8 bool

	// StrictTypes refuses the lossless conversions between BSON and Go
	// types that the official driver makes and Unmarshal makes by default
	// (see Unmarshal): each Go type then takes only the BSON types that
	// Marshal writes for it, the numbers, null and undefined.
	StrictTypes bool

	// Registry holds custom codecs for Go types (see Registry); nil means
	// none.
	Registry *Registry

	// UseJSONStructTags reads the json tag of a struct field that has no
	// bson tag, as Encoder.UseJSONStructTags writes it.
	UseJSONStructTags bool

	// UseLocalTimeZone decodes datetimes into time.Time in the local time
	// zone (time.Local) instead of UTC.
	UseLocalTimeZone bool

	// AllowTruncatingDoubles lets a double with a fraction decode into an
	// integer (truncated toward zero), as the truncate tag does for one
	// field.
	AllowTruncatingDoubles bool

	// ZeroMaps clears a non-nil map before decoding a document into it,
	// instead of adding to what it holds.
	ZeroMaps bool

	// ZeroStructs zeroes a struct before decoding a document into it, so
	// that fields absent from the document do not keep their values.
	ZeroStructs bool

	// BinaryAsSlice decodes binary of subtype 0 or 2 into an interface{}
	// as []byte instead of Binary.
	BinaryAsSlice bool

	// ObjectIDAsHexString decodes an ObjectID into a string field as its
	// 24 hex digits; by default that is an error.
	ObjectIDAsHexString bool
}

// codecFlags returns the options of dec that change codecs.
func (dec *Decoder) codecFlags() codecFlags {
	fl := codecFlags{reg: dec.Registry}
	if dec.UseJSONStructTags {
		fl.bits |= optJSONTags
	}
	if dec.AllowTruncatingDoubles {
		fl.bits |= optTruncate
	}
	return fl
}

// Unmarshal decodes the BSON document data into the value v points to,
// with the default options. See Decoder.Unmarshal.
func Unmarshal(data []byte, v any) error { return Decoder{}.Unmarshal(data, v) }

// UnmarshalValue decodes one BSON value of type t into the value v points
// to, with the default options.
func UnmarshalValue(t Type, data []byte, v any) error { return Decoder{}.UnmarshalValue(t, data, v) }

// Unmarshal decodes the value into what v points to (see
// Decoder.UnmarshalValue).
func (rv RawValue) Unmarshal(v any) error { return Decoder{}.UnmarshalValue(rv.Type, rv.Value, v) }

// Unmarshal decodes the BSON document data into the value v points to. v
// must be a non-nil pointer. data must be exactly one document.
//
// Documents decode into structs (matching keys to fields as Marshal names
// them, and a key that matches no field in lower case, as the official
// driver does: "Name" fills a field whose key is "name"), maps, D (and
// named types of it), M and Raw; arrays into slices, arrays and A; numbers
// into any numeric type when nothing is lost (a double with a fraction
// into an integer needs the truncate tag; a value out of range or NaN is
// an error); null and undefined into the zero value (nil for pointers,
// maps, slices; zeroes for arrays). Into an interface{} that holds a
// non-nil pointer, the value decodes into what it points to; into any
// other interface{}, documents become D (M with DefaultDocumentM), arrays
// A, and other values the types Marshal accepts for them (int32, int64,
// float64, string, bool, ObjectID, DateTime, Binary, ...). Struct fields
// and map entries absent from the document keep their values; slices are
// replaced.
//
// Unless StrictTypes is set, Unmarshal also makes the lossless conversions
// the official driver makes: numbers into bool (non-zero is true) and bool
// into numbers (1, 0); string and symbol into []byte, and binary of
// subtype 0 or 2 into string; int64 (milliseconds), an RFC 3339 string and
// a timestamp into time.Time; a string of 24 hex digits or of 12 bytes
// into ObjectID. []byte and [N]byte take binary of subtype 0 or 2 (an
// [N]byte at most N bytes, zero-filled), [N]byte and []namedByte arrays of
// numbers too.
//
// The input is checked as it is read: a truncated or malformed document, or
// a value that does not fit the Go type, gives a *DecodeError with the byte
// offset and key path. Strings that are not UTF-8 decode byte for byte
// unless StrictUTF8 is set, so whatever Marshal wrote, Unmarshal reads
// back; with StrictUTF8, Unmarshal succeeds only on input Validate accepts. It never
// allocates more than the input can justify.
//
// The result never shares memory with data, with one exception made for
// speed: the strings and keys decoded into the generic containers (D, M,
// A, interface{}) of one document are cut from a single copy of that
// document's bytes, so keeping one of them alive keeps that copy alive.
func (dec Decoder) Unmarshal(data []byte, v any) error {
	rv, err := decodeTarget(v)
	if err != nil {
		return err
	}
	n, msg := frameDocument(data)
	if msg == "" && n != len(data) {
		msg = strconv.Itoa(len(data)-n) + " bytes after the end of the document (length " + strconv.Itoa(n) + ")"
	}
	if msg != "" {
		return &DecodeError{Msg: msg}
	}
	d := newDecState(data, dec)
	defer d.release()
	if p, ok := v.(*D); ok { // the common case, without reflection
		*p, err = d.decodeD(data)
		return err
	}
	return codecFor(rv.Type(), dec.codecFlags()).decode(d, TypeEmbeddedDocument, data, rv)
}

// UnmarshalValue decodes one BSON value of type t, whose bytes are data
// (exactly), into the value v points to, as Unmarshal does with the values
// of a document.
func (dec Decoder) UnmarshalValue(t Type, data []byte, v any) error {
	rv, err := decodeTarget(v)
	if err != nil {
		return err
	}
	n, msg := frameValue(t, data)
	if msg == "" && n != len(data) {
		msg = strconv.Itoa(len(data)) + " bytes hold a " + t.String() + " of " + strconv.Itoa(n)
	}
	if msg != "" {
		return &DecodeError{Msg: msg}
	}
	d := newDecState(data, dec)
	defer d.release()
	return codecFor(rv.Type(), dec.codecFlags()).decode(d, t, data, rv)
}

// decodeTarget returns the value the pointer v points to.
func decodeTarget(v any) (reflect.Value, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		what := "nil"
		if v != nil {
			what = rv.Type().String()
			if rv.Kind() == reflect.Pointer {
				what = "nil " + what
			}
		}
		return reflect.Value{}, &UnmarshalTargetError{What: what}
	}
	return rv.Elem(), nil
}

var decStatePool = sync.Pool{New: func() any { return new(decState) }}

// newDecState returns a decState for one Unmarshal call, from a pool: the
// state is small, but Unmarshal of small documents is frequent.
func newDecState(src []byte, opts Decoder) *decState {
	d := decStatePool.Get().(*decState)
	d.src, d.opts = src, opts
	return d
}

// release returns d to the pool, dropping its references to the input.
// The scratch stacks are empty and cleared by then; they stay for reuse
// unless one document made them large.
func (d *decState) release() {
	elems, vals := d.elems[:0], d.vals[:0]
	if cap(elems) > maxPooledScratch {
		elems = nil
	}
	if cap(vals) > maxPooledScratch {
		vals = nil
	}
	*d = decState{elems: elems, vals: vals}
	decStatePool.Put(d)
}

// maxPooledScratch is the capacity above which a scratch stack is dropped.
const maxPooledScratch = 4096
