package bson

import (
	"reflect"
	"sync"
	"sync/atomic"
)

// A Registry holds custom codecs: how to write and read Go types that have
// no BSON form of their own, or whose default form is not the one wanted,
// typically types of packages you do not own and so cannot give a
// MarshalBSONValue method (a decimal type, a UUID type). Register codecs
// with RegisterCodec, then give the registry to an Encoder and a Decoder
// (a client takes them in its Options, and per call):
//
//	reg := bson.NewRegistry()
//	bson.RegisterCodec(reg, bson.Codec[decimal.Decimal]{Encode: ..., Decode: ...})
//	doc, err := bson.Encoder{Registry: reg}.Marshal(order)
//	err = bson.Decoder{Registry: reg}.Unmarshal(doc, &order)
//
// A custom codec applies to its exact Go type wherever that type appears:
// a struct field, a slice or map element, what a pointer points to, a value
// in a D, M or A. It takes precedence over everything else, the types of
// this package and the Marshaler family included. A nil pointer to the
// type is still null, and decoding null into one still sets it to nil.
//
// Codecs are compiled once per registry and Go type, as for Marshal. Code
// that uses no registry never looks at one: a registry costs nothing to
// those who have none. A Registry is safe for concurrent use, registering
// included (a codec registered while a Marshal runs applies from the next
// call on); it must not be copied after first use.
type Registry struct {
	codecs atomic.Pointer[map[reflect.Type]*customCodec] // replaced, never changed
	cache  sync.Map                                      // codecKey -> *codec, compiled with this registry
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return new(Registry) }

// Codec is the custom codec of the Go type T. Either function may be nil:
// that direction then uses the default codec of T.
type Codec[T any] struct {
	// Encode appends the bytes of the BSON value of v (no type byte, no
	// key) to dst, as the Append functions of this package do, and returns
	// its BSON type and the extended slice. It must append to dst, not
	// return another slice. The value is checked to be framed as its type
	// requires; an error is returned by Marshal in a *MarshalError.
	Encode func(dst []byte, v T) (Type, []byte, error)

	// Decode decodes v into *p. v is a valid BSON value of any type, null
	// and undefined included (a pointer to T is set to nil without asking).
	// v.Value belongs to the caller's input: copy what must outlive the
	// call. An error is returned by Unmarshal in a *DecodeError.
	Decode func(v RawValue, p *T) error
}

// RegisterCodec sets the custom codec of the Go type T in r, replacing the
// one it had.
func RegisterCodec[T any](r *Registry, c Codec[T]) {
	cc := new(customCodec)
	if enc := c.Encode; enc != nil {
		cc.encode = func(dst []byte, v reflect.Value) (Type, []byte, error) {
			return enc(dst, *ptrTo[T](v))
		}
	}
	if dec := c.Decode; dec != nil {
		cc.decode = func(rv RawValue, v reflect.Value) error {
			return dec(rv, v.Addr().Interface().(*T))
		}
	}
	r.register(reflect.TypeFor[T](), cc)
}

// customCodec is a registered codec, on reflect values; a nil function
// leaves that direction to the default codec.
type customCodec struct {
	encode func(dst []byte, v reflect.Value) (Type, []byte, error)
	decode func(rv RawValue, v reflect.Value) error // v is addressable
}

// register sets the codec of t and drops the codecs compiled with the old
// set (a struct's codec holds those of its fields).
func (r *Registry) register(t reflect.Type, cc *customCodec) {
	compileMu.Lock()
	defer compileMu.Unlock()
	m := map[reflect.Type]*customCodec{}
	if old := r.codecs.Load(); old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[t] = cc
	r.codecs.Store(&m)
	r.cache.Clear()
}

// lookup returns the custom codec of t, nil when it has none.
func (r *Registry) lookup(t reflect.Type) *customCodec {
	if m := r.codecs.Load(); m != nil {
		return (*m)[t]
	}
	return nil
}

// codec returns the codec of t made of cc, with std (the codec t has
// without a registry) for the directions cc leaves out.
func (cc *customCodec) codec(t reflect.Type, std codec) codec {
	c := std
	if cc.encode != nil {
		c.encode = cc.encodeElement(t)
		c.encodeDoc = cc.encodeDocument(t)
	}
	if cc.decode != nil {
		c.decode = func(d *decState, bt Type, val []byte, v reflect.Value) error {
			if err := d.validate(bt, val); err != nil { // custom codecs see valid BSON only
				return err
			}
			return d.hookErr(val, cc.decode(RawValue{Type: bt, Value: val}, v), v)
		}
	}
	return c
}

// encodeElement returns the element encoder of t: a header with a type
// byte to fill in, then the value the custom encoder appends.
func (cc *customCodec) encodeElement(t reflect.Type) func([]byte, string, reflect.Value, int) ([]byte, error) {
	return func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
		start := len(dst)
		dst = AppendHeader(dst, 0, key)
		bt, out, err := cc.encodeValue(t, dst, v)
		if err != nil {
			return dst[:start], err
		}
		out[start] = byte(bt)
		return out, nil
	}
}

// encodeDocument returns the document encoder of t, which succeeds when
// the custom encoder writes a document.
func (cc *customCodec) encodeDocument(t reflect.Type) func([]byte, reflect.Value, int) ([]byte, error) {
	return func(dst []byte, v reflect.Value, _ int) ([]byte, error) {
		bt, out, err := cc.encodeValue(t, dst, v)
		if err != nil {
			return dst, err
		}
		if bt != TypeEmbeddedDocument {
			return dst, &MarshalError{Msg: "cannot marshal " + t.String() + " as a document: its custom codec writes a " + bt.String()}
		}
		return out, nil
	}
}

// encodeValue calls the custom encoder and checks what it appended.
func (cc *customCodec) encodeValue(t reflect.Type, dst []byte, v reflect.Value) (Type, []byte, error) {
	bt, out, err := cc.encode(dst, v)
	if err != nil {
		return 0, dst, &MarshalError{Msg: "custom codec of " + t.String(), Err: err}
	}
	if len(out) < len(dst) {
		return 0, dst, &MarshalError{Msg: "custom codec of " + t.String() + " did not append to the slice it was given"}
	}
	if err := checkValue(t, bt, out[len(dst):]); err != nil {
		return 0, dst, err
	}
	return bt, out, nil
}
