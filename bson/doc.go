// Package bson encodes and decodes BSON, the binary document format of
// MongoDB (https://bsonspec.org), from the bytes up.
//
// It has three levels. At the bottom, Append and Read functions write and
// read one value at a time into and out of byte slices, with no reflection
// and no allocation beyond growing the destination: the driver builds its
// own commands this way. In the middle, Raw, RawValue, RawElement and
// RawArray read an encoded document lazily and without copying: a reply off
// the wire stays a Raw until someone asks for a field. At the top, Marshal
// and Unmarshal map Go values to documents and back (with a codec compiled
// once per Go type), and MarshalExtJSON, UnmarshalExtJSON, ExtJSONToRaw and
// AppendExtJSON convert to and from Extended JSON v2.
//
// # Files
//
// Types and the bottom level:
//
//   - types.go: Type and its constants, D, E, M, A, KV and the small value
//     types (Binary, Regex, Timestamp, ...)
//   - decimal128_big.go: Decimal128 to and from big.Int (exact) and
//     big.Float (rounded, with its big.Accuracy)
//   - objectid.go, decimal128.go, uuid.go, datetime.go, vector.go: the value
//     types with behaviour of their own (vector.go: Vector, binary subtype
//     9, with the bson-binary-vector specification's checks)
//   - append.go: Append<T> and Append<T>Element, document start/end helpers
//   - array_key.go: ArrayKey, the keys "0" to "999" sliced from one constant
//   - read.go: Read<T>, ReadElement, ReadValue
//   - framing.go: where a value ends (the length checks every reader shares)
//   - errors.go: the error types (see Errors below)
//
// Lazy reading:
//
//   - raw.go, raw_value.go, raw_element.go, raw_array.go: zero-copy reading
//   - validate.go: Raw.Validate (the full check of untrusted bytes) and
//     Raw.ValidateStructure (framing only), and the walk that explains
//     their errors
//   - validate_scan.go: their fast path, a walk that only says yes or no:
//     a loop without calls over the common elements (a table per type byte,
//     keys and strings read a word at a time, a small stack of the open
//     documents), and a careful check of one element for the rest
//
// Marshal and Unmarshal:
//
//   - marshal.go: Marshal, MarshalAppend, MarshalValue, Encoder (their
//     options), the scratch buffer pool
//   - marshal_any.go: D, M, A and interface values without reflection
//   - unmarshal.go: Unmarshal, UnmarshalValue, Decoder (their options)
//   - unmarshal_scan.go: the checked walk over the input (decState)
//   - unmarshal_any.go: decoding into D, M, A and interface values
//   - codec.go: the per-type codec and its cache
//   - registry.go: Registry, Codec and RegisterCodec: custom codecs for
//     Go types the user does not own
//   - codec_numbers.go, codec_collections.go, codec_bsontypes.go: the codecs
//     of scalars, of containers (pointers, slices, maps, ...) and of this
//     package's types and time.Time
//   - codec_stdlib.go: json.Number and url.URL
//   - codec_convert.go: the official driver's lossless decode conversions
//     (refused under Decoder.StrictTypes)
//   - codec_hooks.go: Marshaler, Unmarshaler, ValueMarshaler, ValueUnmarshaler
//   - struct_tags.go, struct_plan.go, struct_codec.go: struct tags, the
//     compiled field plan, and struct encoding and decoding
//
// Extended JSON:
//
//   - extjson.go: the entry points, Raw.String and RawValue.String
//   - extjson_scan.go: a strict JSON parser that builds a tree
//   - extjson_decode.go, extjson_wrappers.go: JSON tree to BSON, and the
//     "$"-prefixed type wrappers
//   - extjson_encode.go: BSON to canonical or relaxed JSON
//   - stringer.go: D.String, M.String, A.String (relaxed Extended JSON for
//     fmt, maps' keys sorted)
//
// # Untrusted input
//
// No function of this package panics on any byte input. Read functions
// return ok == false, RawValue accessors return ok == false, lookups return
// an error or the zero value. Two checks walk a whole document and return
// a *DecodeError that names the byte offset and key path of the problem:
//
//   - Raw.ValidateStructure checks the structure (lengths, terminators,
//     type bytes, nesting up to MaxNestingDepth) and never reads the bytes
//     of a string: it runs at memory speed, and is what a driver runs on
//     every reply (torque checks a cursor's batch documents only by their
//     framing on arrival and each one whole where it is read). After it,
//     the lazy readers meet no framing error.
//   - Raw.Validate adds the contents: keys and strings must be UTF-8 and
//     booleans 0 or 1, as the BSON specification (and its test corpus)
//     requires.
//
// The lazy readers check only the framing they walk through. Unmarshal
// checks as it reads, and allocates no more than the input's own lengths
// can justify.
//
// Strings that are not UTF-8: MongoDB stores them as they are (a Latin-1
// "caf\xe9" written by another program, say), and Marshal writes a Go string
// as it is. By default Unmarshal decodes them byte for byte into string,
// []byte and the generic containers, keys included, as the official
// driver does: whatever Marshal wrote, Unmarshal reads back. The lazy
// readers (StringValue, Key, ...) return them as they are too. With
// Decoder.StrictUTF8, Unmarshal refuses them with a *DecodeError naming the
// key path. Extended JSON output (AppendExtJSON, MarshalExtJSON, String)
// writes each byte that is not part of valid UTF-8 as U+FFFD, so it is
// always valid JSON (and such a string does not survive a trip through
// JSON unchanged).
//
// Nesting is bounded everywhere, so that no input can exhaust the stack:
// Validate, Unmarshal and AppendExtJSON refuse documents and arrays nested
// more than MaxNestingDepth (200) deep; ExtJSONToRaw parses JSON nested up
// to 512 levels (type wrappers add levels) and refuses BSON output deeper
// than MaxNestingDepth. Marshal follows at most 1024 levels of pointers,
// documents and arrays, which turns a cyclic value into a *MarshalError; it
// does not itself refuse a document deeper than MaxNestingDepth, which the
// readers of this package (and MongoDB, at 100 levels for stored documents)
// will refuse.
//
// # Errors
//
// Failures are one of four pointer types, to find with errors.As, or the
// sentinel ErrElementNotFound, to test with errors.Is:
//
//   - *DecodeError{Offset, Key, Msg, Err}: malformed BSON, or a value that
//     does not fit the Go value it is decoded into. Offset counts bytes from
//     the start of the outermost document (or value) being read; Err is the
//     error of a failing Unmarshaler.
//   - *ExtJSONError{Offset, Key, Msg}: Extended JSON that cannot be read;
//     Offset counts bytes of the JSON text. UnmarshalExtJSON converts to BSON
//     first: a Go value that does not fit is then a *DecodeError whose
//     Offset counts bytes of that intermediate BSON, and whose Key is right.
//   - *MarshalError{Key, Msg, Err}: a Go value that has no BSON form; Err is
//     the error of a failing Marshaler.
//   - *UnmarshalTargetError: Unmarshal was not given a non-nil pointer.
//
// Key is always the dotted key path of the value ("" at the top level).
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
// What Unmarshal produces never shares memory with its input: a Raw, a
// RawValue or a []byte field is a copy. One exception is made for speed:
// the strings and keys decoded into the generic containers (D, M, A and
// interface values) of one document are cut from a single string copy of
// that document's bytes, made once per document, so a small string kept
// from a large document keeps the whole copy alive (strings.Clone it if
// that matters). Binary data is always copied on its own.
//
// Marshal returns a new slice; MarshalAppend appends to dst and keeps no
// reference to it. Both reuse a pooled scratch buffer internally (buffers
// grown beyond 1 MiB are dropped). ExtJSONToRaw and MarshalExtJSON return
// new slices; AppendExtJSON appends to dst.
//
// # Compatibility with the official driver
//
// Marshal, Unmarshal and the struct tags follow the official Go driver
// (go.mongodb.org/mongo-driver/v2, checked against v2.10.0 by this
// package's compat_test.go and by bench/compat_test.go, which imports it),
// so that structs and stored data written for it move over unchanged: the
// same tags (a first word that is an option is also the key, as in
// `bson:"inline"`), the lower-cased key fallback when decoding, the same
// encodings of []byte and [N]byte (binary), []namedByte (an array),
// json.Number, url.URL and named document types, the same hook rules
// (methods on the pointer run only where the value is addressable;
// omitempty asks IsZero only of the value's own method set), inlined
// *struct fields, and the official driver's lossless decode conversions.
//
// # Differences from the official driver
//
// Deliberate, each for a reason:
//
//   - Raw.Validate checks the whole tree (UTF-8 of keys and strings,
//     booleans, no trailing bytes, MaxNestingDepth), as the BSON
//     specification requires; the official Raw.Validate checks the framing
//     of the top-level elements only. Raw.ValidateStructure is the cheap
//     check, and still walks every nested document.
//   - Unmarshal refuses malformed BSON the official driver may read (a
//     boolean byte other than 0 or 1, bytes after the document, nesting
//     beyond MaxNestingDepth), and never loops or panics on any input.
//   - Lossy number conversions are errors: a double outside an integer's
//     range (the official driver stores math.MinInt64 for -1e300), NaN into
//     an integer, an int64 that a float64 cannot hold exactly. A fraction
//     needs the truncate tag, as in the official driver.
//   - Encoder and Decoder options: the official driver's, with its names
//     and effects (checked by bench/compat_options_test.go), as fields of
//     plain structs rather than methods; StrictUTF8 and StrictTypes are
//     torque's own (the defaults behave as the official driver does).
//     StringifyMapKeysWithFmt, ErrorOnInlineDuplicates (torque always
//     refuses an inline map key that clashes with a field) and
//     DefaultDocumentMap are not offered.
//   - Custom codecs: one Registry type with RegisterCodec per Go type (a
//     typed pair of functions that append and read values), instead of
//     the official driver's registry of encoder and decoder interfaces
//     over value readers and writers; codecs by kind or by interface are
//     not offered (hooks on the type itself cover the types you own).
//   - Vector: the official driver's constructors and XxxOK accessors, but
//     not its Int8, Float32 and PackedBit methods, which panic on the
//     wrong dtype; non-zero padding bits of a packed-bit vector are
//     refused when making and when reading one (the specification's
//     preferred behaviour; the official driver keeps them).
//   - The omitzero tag option (encoding/json's, Go 1.24) is torque's own;
//     the official driver ignores it.
//   - JavaScript code decodes into a string field (the official driver
//     refuses it); symbols and strings do in both.
//   - Unmarshal(data, &x) where x is an interface{} holding a non-nil *T
//     decodes into the T, as for such a struct field; the official driver
//     replaces x with a D at the top level (but not in a field).
//   - Extended JSON follows the specification where the official driver
//     does not: a type wrapper's keys may come in any order, a DBPointer's
//     namespace and a Decimal128 with a 35-digit coefficient are read as
//     the spec says, and strings that are not UTF-8 are written with
//     U+FFFD so that the output is always valid JSON.
//
// # Concurrency
//
// Every function is safe for concurrent use. Raw and the other slice types
// may be read from many goroutines at once as long as nobody writes their
// bytes. The codec of a Go type is compiled on first use, under a lock, and
// cached for the life of the program; after that Marshal and Unmarshal only
// read the cache. A Decoder is a plain value. NewObjectID is safe for
// concurrent use. A Registry is safe for concurrent use, registering
// included; Encoder and Decoder are plain values. The methods of user types
// (Marshaler, Unmarshaler, ...) and custom codecs are called as they are:
// their own safety is their author's.
package bson
