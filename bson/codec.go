package bson

import (
	"reflect"
	"sync"
)

// A codec encodes and decodes the values of one Go type. Codecs are compiled
// once per (type, flags) by codecFor and cached for the life of the program
// (or of the Registry they were compiled with),
// so Marshal and Unmarshal never look up struct fields or tags per call.
//
// Codecs call the codecs of their element types through pointers, at call
// time: that is what lets a recursive type (type Node struct{ Kids []Node })
// refer to its own codec before that codec is complete.
type codec struct {
	// encode appends one element: type byte, key, value.
	encode func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error)
	// encodeDoc appends v as a whole document. It is nil for types that do
	// not marshal to a document and is what Marshal calls at the top level.
	encodeDoc func(dst []byte, v reflect.Value, depth int) ([]byte, error)
	// decode stores the value val of BSON type t into v, which is always
	// addressable.
	decode func(d *decState, t Type, val []byte, v reflect.Value) error
	// addrSensitive is set when the type writes differently addressable
	// and not (see addressable in marshal_any.go).
	addrSensitive bool
}

// codecFlags is what, besides the Go type, decides how a value is coded:
// the struct-tag options of the field it sits in (tag bits, which apply to
// the field's value and to the elements inside it, but not to the fields
// of a struct inside it), the Encoder and Decoder options that change
// codecs (option bits, which apply everywhere below), and the registry of
// custom codecs. The zero value is the default of Marshal and Unmarshal.
type codecFlags struct {
	bits flagBits
	reg  *Registry
}

type flagBits uint16

const (
	flagMinSize  flagBits = 1 << iota // tag: write 64-bit integers that fit as int32
	flagTruncate                      // tag: let a double with a fraction truncate into an integer

	optIntMinSize        // Encoder.IntMinSize
	optTruncate          // Decoder.AllowTruncatingDoubles
	optNilSliceEmpty     // Encoder.NilSliceAsEmpty
	optNilByteSliceEmpty // Encoder.NilByteSliceAsEmpty
	optNilMapEmpty       // Encoder.NilMapAsEmpty
	optOmitEmpty         // Encoder.OmitEmpty
	optOmitZeroStruct    // Encoder.OmitZeroStruct
	optJSONTags          // Encoder.UseJSONStructTags, Decoder.UseJSONStructTags

	tagBits = flagMinSize | flagTruncate
)

// has reports whether any of the bits b is set.
func (f codecFlags) has(b flagBits) bool { return f.bits&b != 0 }

// minSize and truncate combine a tag with the option of the same effect.
func (f codecFlags) minSize() bool  { return f.has(flagMinSize | optIntMinSize) }
func (f codecFlags) truncate() bool { return f.has(flagTruncate | optTruncate) }

// options drops the tag bits: what the fields of a struct start from.
func (f codecFlags) options() codecFlags {
	f.bits &^= tagBits
	return f
}

type codecKey struct {
	t     reflect.Type
	flags codecFlags
}

var (
	codecCache sync.Map // codecKey -> *codec, complete codecs without a registry

	compileMu sync.Mutex
	compiling = map[codecKey]*codec{} // under compileMu: codecs being built
)

// cacheOf returns the cache of the codecs compiled with fl: a registry
// keeps its own, which goes when the registry does.
func cacheOf(fl codecFlags) *sync.Map {
	if fl.reg != nil {
		return &fl.reg.cache
	}
	return &codecCache
}

// maxEncodeDepth bounds how deeply Marshal follows pointers, documents and
// arrays, so that a cyclic value ends in an error rather than a stack
// overflow. (Unmarshal stops at MaxNestingDepth, as Validate does.)
const maxEncodeDepth = 1024

// codecFor returns the codec of t, compiling it (and the codecs of the types
// it contains) on first use.
func codecFor(t reflect.Type, fl codecFlags) *codec {
	if c, ok := cacheOf(fl).Load(codecKey{t, fl}); ok {
		return c.(*codec)
	}
	compileMu.Lock()
	defer compileMu.Unlock()
	c := compileCodec(t, fl)
	for k, v := range compiling { // publish only once every codec is complete
		cacheOf(k.flags).Store(k, v)
	}
	clear(compiling)
	return c
}

// compileCodec builds the codec of t; the caller holds compileMu. A type that
// is already being built (a recursive type) yields the unfinished codec,
// which is filled in before anyone can call it.
func compileCodec(t reflect.Type, fl codecFlags) *codec {
	key := codecKey{t, fl}
	if c, ok := cacheOf(fl).Load(key); ok {
		return c.(*codec)
	}
	if c, ok := compiling[key]; ok {
		return c
	}
	c := new(codec)
	compiling[key] = c
	*c = buildCodec(t, fl)
	c.addrSensitive = addrSensitive(t)
	if c.encode == nil {
		c.encode = encodeDocElement(c)
	}
	return c
}

// buildCodec picks the codec for t: a custom codec of the registry first,
// then the types of this package and the standard library that have a BSON
// meaning of their own, then hooks (the Marshaler family), then the kinds
// of reflect.
func buildCodec(t reflect.Type, fl codecFlags) codec {
	if fl.reg != nil {
		if cc := fl.reg.lookup(t); cc != nil {
			return cc.codec(t, buildStdCodec(t, fl))
		}
	}
	return buildStdCodec(t, fl)
}

// buildStdCodec is buildCodec without the registry.
func buildStdCodec(t reflect.Type, fl codecFlags) codec {
	if c, ok := knownTypeCodec(t, fl); ok {
		return c
	}
	if c, ok := stdlibCodec(t, fl); ok {
		return c
	}
	if c, ok := hookCodec(t, fl); ok {
		return c
	}
	return buildPlainCodec(t, fl)
}

// buildPlainCodec returns the codec of the kind of t, ignoring hooks.
func buildPlainCodec(t reflect.Type, fl codecFlags) codec {
	switch t.Kind() {
	case reflect.Bool:
		return boolCodec()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intCodec(t, fl)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return uintCodec(t, fl)
	case reflect.Float32, reflect.Float64:
		return floatCodec(t, fl)
	case reflect.String:
		return stringCodec()
	case reflect.Pointer:
		return pointerCodec(t, fl)
	case reflect.Interface:
		return interfaceCodec(t, fl.options())
	case reflect.Slice:
		switch t.Elem() {
		case typeByte: // []byte and named types of it; not []myByte
			return byteSliceCodec(fl)
		case typeE: // []E and named document types (type Filter D)
			return namedDCodec(t, fl.options())
		}
		return sliceCodec(t, fl)
	case reflect.Array:
		if t.Elem() == typeByte {
			return byteArrayCodec(t, fl)
		}
		return arrayCodec(t, fl)
	case reflect.Map:
		return mapCodec(t, fl)
	case reflect.Struct:
		return structCodec(t, fl.options())
	}
	return errorCodec("Go type " + t.String() + " has no BSON form")
}

// errorCodec is the codec of a type that has no BSON form. It fails when it
// is used, not when it is compiled, so that a struct with such a field still
// works when the field is skipped.
func errorCodec(msg string) codec {
	return codec{
		encode: func(dst []byte, _ string, _ reflect.Value, _ int) ([]byte, error) {
			return dst, &MarshalError{Msg: msg}
		},
		encodeDoc: func(dst []byte, _ reflect.Value, _ int) ([]byte, error) {
			return dst, &MarshalError{Msg: msg}
		},
		decode: func(d *decState, t Type, val []byte, v reflect.Value) error {
			return d.errAt(val, msg)
		},
	}
}

// encodeDocElement derives the element encoder of a document type from its
// encodeDoc: header, then the document.
func encodeDocElement(c *codec) func([]byte, string, reflect.Value, int) ([]byte, error) {
	return func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
		dst = AppendHeader(dst, TypeEmbeddedDocument, key)
		return c.encodeDoc(dst, v, depth)
	}
}

// withKey prefixes the key path of a marshal error with key as it travels
// up through the documents that contain it.
func withKey(err error, key string) error {
	if me, ok := err.(*MarshalError); ok {
		if me.Key == "" {
			me.Key = key
		} else {
			me.Key = key + "." + me.Key
		}
	}
	return err
}
