package client

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// Every value of the user's that a command carries — documents, filters,
// options such as sort, hint, let and comment — is encoded with the
// Encoder of the handle the operation runs on (the client's
// Options.Encoder, or a Database's or Collection's own from
// CollectionOptions.Encoder): the enc argument of the helpers below. The
// driver's own types (Collation) use driverEncoder.

// driverEncoder encodes the driver's own types: the default encoding.
var driverEncoder bson.Encoder

// appendDoc appends key: v, where v must be a document (a struct, a map,
// bson.D, bson.M, bson.Raw or a pointer to one), encoded with enc. what
// names the argument in errors.
func appendDoc(dst []byte, enc *bson.Encoder, key string, v any, what string) ([]byte, error) {
	if v == nil {
		return dst, fmt.Errorf("client: %s must not be nil (bson.D{} is the empty document)", what)
	}
	start := len(dst)
	dst = bson.AppendHeader(dst, bson.TypeEmbeddedDocument, key)
	out, err := enc.MarshalAppend(dst, v)
	if err != nil {
		return dst[:start], fmt.Errorf("client: %s: %w", what, err)
	}
	return out, nil
}

// marshalDoc encodes v, which must be a document, as appendDoc does.
func marshalDoc(enc *bson.Encoder, v any, what string) (bson.Raw, error) {
	b, err := appendDoc(nil, enc, "", v, what)
	if err != nil {
		return nil, err
	}
	return bson.Raw(b[2:]), nil // past the element header: type byte, empty key
}

// appendOptionalDoc appends key: v when v is not nil.
func appendOptionalDoc(dst []byte, enc *bson.Encoder, key string, v any) ([]byte, error) {
	if v == nil {
		return dst, nil
	}
	return appendDoc(dst, enc, key, v, key)
}

// appendValue appends key: v, any BSON value, when v is not nil.
func appendValue(dst []byte, enc *bson.Encoder, key string, v any) ([]byte, error) {
	if v == nil {
		return dst, nil
	}
	t, b, err := enc.MarshalValue(v)
	if err != nil {
		return dst, fmt.Errorf("client: %s: %w", key, err)
	}
	dst = bson.AppendHeader(dst, t, key)
	return append(dst, b...), nil
}

// appendHint appends hint: a string (an index name) or a document (its
// key pattern).
func appendHint(dst []byte, enc *bson.Encoder, hint any) ([]byte, error) {
	if hint == nil {
		return dst, nil
	}
	if s, ok := hint.(string); ok {
		return bson.AppendStringElement(dst, "hint", s), nil
	}
	if err := checkOrdered(hint, "hint"); err != nil {
		return dst, err
	}
	return appendDoc(dst, enc, "hint", hint, "hint")
}

// firstKey returns the first key of a document, "" when it is empty.
func firstKey(doc bson.Raw) string {
	el, err := doc.Index(0)
	if err != nil {
		return ""
	}
	return el.Key()
}

// lastDoc returns the document that ends dst, appended at start by
// appendDoc (past its element header).
func lastDoc(dst []byte, start int, key string) bson.Raw {
	return bson.Raw(dst[start+2+len(key):])
}

// appendUpdate appends key: u for an update: a document whose keys are
// update operators ($set, $inc, ...), or a pipeline (a slice of stages).
func appendUpdate(dst []byte, enc *bson.Encoder, key string, u any) ([]byte, error) {
	if u == nil {
		return dst, errors.New("client: update must not be nil")
	}
	if isPipeline(u) {
		if err := checkPipelineOrder(u); err != nil {
			return dst, err
		}
		t, b, err := enc.MarshalValue(u)
		if err != nil {
			return dst, fmt.Errorf("client: update pipeline: %w", err)
		}
		if err := checkStages(t, b, "update pipeline"); err != nil {
			return dst, err
		}
		if len(b) <= 5 {
			return dst, errors.New("client: update pipeline is empty")
		}
		dst = bson.AppendHeader(dst, t, key)
		return append(dst, b...), nil
	}
	start := len(dst)
	dst, err := appendDoc(dst, enc, key, u, "update")
	if err != nil {
		return dst, err
	}
	k := firstKey(lastDoc(dst, start, key))
	switch {
	case k == "":
		return dst[:start], errors.New("client: update document is empty: it needs an operator such as $set")
	case k[0] != '$':
		return dst[:start], fmt.Errorf("client: update document must contain only update operators ($set, $inc, ...), found %q: use ReplaceOne to replace a document", k)
	}
	return dst, nil
}

// appendReplacement appends key: r for a replacement: a document with no
// top-level $-prefixed key.
func appendReplacement(dst []byte, enc *bson.Encoder, key string, r any) ([]byte, error) {
	if isPipeline(r) {
		return dst, errors.New("client: a replacement must be a document, not a pipeline")
	}
	start := len(dst)
	dst, err := appendDoc(dst, enc, key, r, "replacement")
	if err != nil {
		return dst, err
	}
	for k := range lastDoc(dst, start, key).All() {
		if len(k) > 0 && k[0] == '$' {
			return dst[:start], fmt.Errorf("client: replacement document must not contain update operators, found %q: use UpdateOne to update", k)
		}
		break
	}
	return dst, nil
}

// isPipeline reports whether v is a slice of stages rather than a
// document (bson.D is a document).
func isPipeline(v any) bool {
	switch v.(type) {
	case bson.A, []bson.D, []bson.M, []any, []bson.Raw:
		return true
	}
	return false
}

// appendPipeline appends key: pipeline, which must be a slice of stage
// documents (nil is the empty pipeline).
func appendPipeline(dst []byte, enc *bson.Encoder, key string, pipeline any) ([]byte, error) {
	if err := checkPipelineOrder(pipeline); err != nil {
		return dst, err
	}
	if pipeline == nil {
		start, out := bson.AppendArrayElementStart(dst, key)
		return bson.AppendDocumentEnd(out, start)
	}
	t, b, err := enc.MarshalValue(pipeline)
	if err != nil {
		return dst, fmt.Errorf("client: pipeline: %w", err)
	}
	if err := checkStages(t, b, "pipeline"); err != nil {
		return dst, err
	}
	dst = bson.AppendHeader(dst, t, key)
	return append(dst, b...), nil
}

// checkStages checks that the encoded pipeline (t, b) is an array of
// documents; what names it in errors.
func checkStages(t bson.Type, b []byte, what string) error {
	if t != bson.TypeArray {
		return fmt.Errorf("client: %s must be a slice of stages (bson.A, []bson.D, mongo-style), not %s", what, t)
	}
	for i, v := range bson.RawArray(b).All() {
		if v.Type != bson.TypeEmbeddedDocument {
			return fmt.Errorf("client: %s stage %d is a %s, not a document", what, i, v.Type)
		}
	}
	return nil
}

// hasOutStage reports whether a pipeline ends with $out or $merge (a
// writing aggregate).
func hasOutStage(pipeline []byte) bool {
	var last bson.RawValue
	for _, v := range bson.RawArray(pipeline).All() {
		last = v
	}
	d, ok := last.Document()
	if !ok {
		return false
	}
	k := firstKey(d)
	return k == "$out" || k == "$merge"
}

// marshalInsert appends the document v to dst with an _id first when it
// has none, and returns the _id.
func marshalInsert(dst, scratch []byte, enc *bson.Encoder, v any, index int) (out, scratchOut []byte, id any, err error) {
	if v == nil {
		return dst, scratch, nil, fmt.Errorf("client: document %d is nil", index)
	}
	scratch, err = enc.MarshalAppend(scratch[:0], v)
	if err != nil {
		return dst, scratch, nil, fmt.Errorf("client: document %d: %w", index, err)
	}
	doc := bson.Raw(scratch)
	if idv := doc.Lookup("_id"); !idv.IsZero() {
		var goID any
		if err := idv.Unmarshal(&goID); err != nil {
			return dst, scratch, nil, fmt.Errorf("client: document %d: _id: %w", index, err)
		}
		return append(dst, doc...), scratch, goID, nil
	}
	oid := bson.NewObjectID()
	start, dst := bson.AppendDocumentStart(dst)
	dst = bson.AppendObjectIDElement(dst, "_id", oid)
	dst = append(dst, doc[4:len(doc)-1]...)
	dst, err = bson.AppendDocumentEnd(dst, start)
	return dst, scratch, oid, err
}

// idElementLen is the size of an element _id: ObjectID: its type, "_id"
// and its NUL, twelve bytes.
const idElementLen = 1 + 4 + 12

var idRoom [idElementLen]byte

// appendInsertDoc appends the document v to dst, the message's document
// sequence, with a new ObjectID _id first when it has none, and records
// the _id in *id. A second call for the same document (a retry) reuses
// the ObjectID *id holds. v is encoded once, in place: when it may lack
// an _id, room for one is left before it, so that adding it moves no
// byte of the document.
func appendInsertDoc(dst []byte, enc *bson.Encoder, v any, index int, id *any) ([]byte, error) {
	if v == nil {
		return dst, fmt.Errorf("client: document %d is nil", index)
	}
	p, room := len(dst), 0
	if !surelyHasID(v) {
		dst, room = append(dst, idRoom[:]...), idElementLen
	}
	out, err := enc.MarshalAppend(dst, v)
	if err != nil {
		return dst[:p], fmt.Errorf("client: document %d: %w", index, err)
	}
	if size := len(out) - p - room; size > topology.DefaultMaxBSONObjectSize {
		return dst[:p], fmt.Errorf("client: document %d is %d bytes, over the 16 MiB document limit", index, size)
	}
	doc := bson.Raw(out[p+room:])
	if idv := doc.Lookup("_id"); !idv.IsZero() {
		if *id == nil {
			var goID any
			if err := idv.Unmarshal(&goID); err != nil {
				return dst[:p], fmt.Errorf("client: document %d: _id: %w", index, err)
			}
			*id = goID
		}
		if room > 0 {
			out = out[:p+copy(out[p:], doc)]
		}
		return out, nil
	}
	oid, ok := (*id).(bson.ObjectID)
	if !ok {
		oid = bson.NewObjectID()
		*id = oid
	}
	if room == 0 { // surelyHasID was wrong: make the room after all
		out = slices.Insert(out, p, idRoom[:]...)
	}
	binary.LittleEndian.PutUint32(out[p:], uint32(len(doc)+idElementLen))
	bson.AppendObjectIDElement(out[p+4:p+4], "_id", oid) // in place, over the old length
	return out, nil
}

// surelyHasID reports whether v is a document whose _id is found without
// encoding it (bson.D, bson.Raw, bson.M).
func surelyHasID(v any) bool {
	switch d := v.(type) {
	case bson.D:
		for _, e := range d {
			if e.Key == "_id" {
				return true
			}
		}
	case bson.Raw:
		return !d.Lookup("_id").IsZero()
	case bson.M:
		_, ok := d["_id"]
		return ok
	case map[string]any:
		_, ok := d["_id"]
		return ok
	}
	return false
}

// appendCommonOptions appends the collation, hint, let and comment
// options that many commands share, each when set.
func appendCommonOptions(dst []byte, enc *bson.Encoder, collation *Collation, hint, let, comment any) ([]byte, error) {
	dst, err := appendCollation(dst, collation)
	if err == nil {
		dst, err = appendHint(dst, enc, hint)
	}
	if err == nil {
		dst, err = appendOptionalDoc(dst, enc, "let", let)
	}
	if err != nil {
		return dst, err
	}
	return appendValue(dst, enc, "comment", comment)
}
