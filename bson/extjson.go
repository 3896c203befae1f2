package bson

import "fmt"

// Extended JSON v2 (the MongoDB "extended-json" specification) in both
// directions:
//
//   - ExtJSONToRaw parses canonical, relaxed and the legacy forms into BSON.
//   - AppendExtJSON writes BSON as canonical or relaxed Extended JSON.
//   - Raw.String and RawValue.String give relaxed Extended JSON.
//   - MarshalExtJSON and UnmarshalExtJSON do the same for Go values, by way
//     of Marshal and Unmarshal.
//
// Files: extjson_scan.go (a strict JSON parser building a tree),
// extjson_decode.go and extjson_wrappers.go (tree to BSON),
// extjson_encode.go (BSON to JSON).

// maxExtJSONDepth bounds the nesting of objects and arrays in JSON input.
// The spec asks parsers for at least 200 levels, since type wrappers add
// levels; the BSON that comes out may nest at most MaxNestingDepth deep.
const maxExtJSONDepth = 512

func newExtJSONError(off int, path, format string, args ...any) *ExtJSONError {
	return &ExtJSONError{Offset: off, Key: path, Msg: fmt.Sprintf(format, args...)}
}

// ExtJSONToRaw parses one Extended JSON object into a BSON document. It
// reads canonical and relaxed Extended JSON v2 and the legacy forms
// {"$binary": "<base64>", "$type": "<hex>"}, {"$regex": "<pattern>",
// "$options": "<flags>"} and {"$date": "<ISO-8601>"}. Key order is kept.
// A plain JSON number becomes an int32 when it is an integer that fits,
// else an int64 when it fits, else a double. DBRefs ({"$ref": ..., "$id":
// ...}) stay documents. Errors are *ExtJSONError.
func ExtJSONToRaw(data []byte) (Raw, error) {
	b, err := extJSONToRaw(data, false)
	if err != nil {
		return nil, err
	}
	return Raw(b), nil
}

// AppendExtJSON appends doc as Extended JSON, canonical or relaxed, and
// returns the extended buffer. doc's structure is validated first (as
// ValidateStructure does); a *DecodeError reports malformed BSON, and dst
// comes back unchanged. Keys and strings that are not valid UTF-8 (which
// MongoDB stores and Unmarshal reads) are written with U+FFFD (as \ufffd)
// in place of each bad byte, so the output is always valid JSON (and
// reads back as a different string). The output has no insignificant white
// space and keeps the order of the elements; regular expression flags come
// out sorted.
func AppendExtJSON(dst []byte, doc Raw, canonical bool) ([]byte, error) {
	return appendExtJSON(dst, doc, canonical, false)
}

func appendExtJSON(dst []byte, doc Raw, canonical, escapeHTML bool) ([]byte, error) {
	if err := doc.ValidateStructure(); err != nil {
		return dst, err
	}
	w := ejWriter{canonical: canonical, escapeHTML: escapeHTML}
	out, err := w.document(dst, doc)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// String returns r as relaxed Extended JSON, or a description of the error
// when r is not valid BSON. An empty (nil) Raw, a document that is absent
// (an optional field of an error, say), gives "".
func (r Raw) String() string {
	if len(r) == 0 {
		return ""
	}
	b, err := AppendExtJSON(nil, r, false)
	if err != nil {
		return "<invalid BSON: " + err.Error() + ">"
	}
	return string(b)
}

// String returns v as relaxed Extended JSON (a string value comes out
// quoted), or a description of the error when v is not valid. The zero
// RawValue (what Lookup returns for an absent key) gives "".
func (v RawValue) String() string {
	if v.IsZero() {
		return ""
	}
	if err := v.validateStructure(); err != nil {
		return "<invalid BSON: " + err.Error() + ">"
	}
	w := ejWriter{}
	b, err := w.value(nil, v)
	if err != nil {
		return "<invalid BSON: " + err.Error() + ">"
	}
	return string(b)
}

// MarshalExtJSON returns v, marshaled as Marshal does, as canonical or
// relaxed Extended JSON. With escapeHTML, <, >, &, U+2028 and U+2029 in
// strings and keys are written as \u escapes, as encoding/json does.
func MarshalExtJSON(v any, canonical, escapeHTML bool) ([]byte, error) {
	doc, err := MarshalAppend(nil, v)
	if err != nil {
		return nil, err
	}
	return appendExtJSON(nil, doc, canonical, escapeHTML)
}

// UnmarshalExtJSON parses data as Extended JSON, as ExtJSONToRaw does, and
// unmarshals the document into v, as Unmarshal does. With canonical, only
// Canonical Extended JSON is accepted: plain JSON numbers, ISO-8601 $date
// strings and the legacy $binary form are errors, and a legacy $regex is
// read as the query operator (a document).
func UnmarshalExtJSON(data []byte, canonical bool, v any) error {
	doc, err := extJSONToRaw(data, canonical)
	if err != nil {
		return err
	}
	return Unmarshal(doc, v)
}
