// Package bson encodes and decodes BSON, the binary document format of
// MongoDB (https://bsonspec.org), from the bytes up.
//
// It has three levels. At the bottom, Append and Read functions write and
// read one value at a time into and out of byte slices, with no reflection
// and no allocation beyond growing the destination: the driver builds its
// own commands this way. In the middle, Raw, RawValue, RawElement and
// RawArray read an encoded document lazily and without copying: a reply off
// the wire stays a Raw until someone asks for a field. At the top, Marshal
// and Unmarshal map Go values to documents and back, and MarshalExtJSON,
// UnmarshalExtJSON and friends convert to and from Extended JSON.
//
// # Files
//
//   - types.go: Type and its constants, D, E, M, A, KV and the small value
//     types (Binary, Regex, Timestamp, ...)
//   - objectid.go, decimal128.go, uuid.go, datetime.go: the value types with
//     behaviour of their own
//   - append.go: Append<T> and Append<T>Element, document start/end helpers
//   - read.go: Read<T>, ReadElement, ReadValue
//   - framing.go: where a value ends (the length checks every reader shares)
//   - raw.go, raw_value.go, raw_element.go, raw_array.go: zero-copy reading
//   - validate.go: Raw.Validate, the full check of untrusted bytes
//   - errors.go: DecodeError and ErrElementNotFound
//   - marshal*.go, unmarshal*.go, codec*.go, struct*.go: Marshal/Unmarshal
//   - extjson*.go: Extended JSON
//
// # Untrusted input
//
// No function of this package panics on any byte input. Read functions
// return ok == false, RawValue accessors return ok == false, lookups return
// an error or the zero value. Raw.Validate checks a whole document
// recursively (lengths, terminators, type bytes, UTF-8, booleans, nesting
// up to MaxNestingDepth) and returns a *DecodeError that names the byte
// offset and key path of the problem. The lazy readers check only the
// framing they walk through, so validate a document from the network once
// before trusting the strings in it.
//
// # Buffer lifetimes
//
// Raw, RawArray, RawElement and RawValue are slices: the values returned by
// Lookup, Index, Elements, All, Document, Array, Binary (its Data),
// StringBytes, KeyBytes, ReadDocument, ReadArray and ReadBinary share
// memory with the document they came from and stay valid exactly as long as
// its bytes are not overwritten. When a document lives in a buffer that is
// reused (a connection's read buffer, a pool), copy what must outlive it
// (bytes.Clone, or Unmarshal into Go values) before the buffer is returned.
// Accessors that return a string (StringValue, Key, ReadString, ...) copy,
// so strings never change under their holder.
//
// # Concurrency
//
// The functions are safe for concurrent use. Raw and the other slice types
// may be read from many goroutines at once as long as nobody writes their
// bytes. NewObjectID is safe for concurrent use.
package bson
