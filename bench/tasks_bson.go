package bench

import (
	"bytes"
	"fmt"
	"testing"

	obson "go.mongodb.org/mongo-driver/v2/bson"

	"github.com/torque-go/torque/bson"
)

//go:generate go run gen_structs.go

// The typed documents of the BSON tasks. FlatDoc and FullDoc (structs.go)
// take each driver's own BSON value types as type parameters; the fields
// and tags are the same for both.
type (
	flatT = FlatDoc[bson.ObjectID]
	flatO = FlatDoc[obson.ObjectID]
	fullT = FullDoc[bson.ObjectID, bson.Binary, bson.MinKey, bson.MaxKey, bson.DateTime,
		bson.Timestamp, bson.Regex, bson.CodeWithScope]
	fullO = FullDoc[obson.ObjectID, obson.Binary, obson.MinKey, obson.MaxKey, obson.DateTime,
		obson.Timestamp, obson.Regex, obson.CodeWithScope]
)

// DeepDoc is deep_bson.json: a binary tree, "right" before "left", whose
// leaves hold two strings. The same type serves both drivers.
type DeepDoc struct {
	Right      *DeepDoc `bson:"right,omitempty"`
	Left       *DeepDoc `bson:"left,omitempty"`
	RightValue string   `bson:"rightValue,omitempty"`
	LeftValue  string   `bson:"leftValue,omitempty"`
}

// BSONTasks returns, for the flat, deep and full documents: encoding from
// an ordered document and from a struct, and decoding into an ordered
// document, into a struct, and validate-only (raw). One op is one document;
// MB/s counts the spec's JSON source size per document.
func BSONTasks(d *Data) []Task {
	sets := []struct {
		name string
		file string
		raw  bson.Raw
		t, o func() any // new typed values for torque and official
	}{
		{"flat", "flat_bson.json", d.Flat, func() any { return new(flatT) }, func() any { return new(flatO) }},
		{"deep", "deep_bson.json", d.Deep, func() any { return new(DeepDoc) }, func() any { return new(DeepDoc) }},
		{"full", "full_bson.json", d.Full, func() any { return new(fullT) }, func() any { return new(fullO) }},
	}
	var tasks []Task
	for _, s := range sets {
		size := int64(d.SourceSize[s.file])
		add := func(op string, t, o func(*testing.B) error) {
			tasks = append(tasks, Task{Name: "bson/" + s.name + "/" + op, Group: "bson", Bytes: size, Torque: t, Official: o})
		}
		add("encode/D", encodeTask(s.raw, tUnmarshal, tMarshal, func() any { return new(bson.D) }),
			encodeTask(s.raw, obson.Unmarshal, obson.Marshal, func() any { return new(obson.D) }))
		add("encode/struct", encodeTask(s.raw, tUnmarshal, tMarshal, s.t),
			encodeTask(s.raw, obson.Unmarshal, obson.Marshal, s.o))
		add("decode/D", decodeTask(s.raw, tUnmarshal, func() any { return new(bson.D) }),
			decodeTask(s.raw, obson.Unmarshal, func() any { return new(obson.D) }))
		add("decode/struct", decodeTask(s.raw, tUnmarshal, s.t), decodeTask(s.raw, obson.Unmarshal, s.o))
		add("decode/raw", validateTask(s.raw, func(b []byte) error { return bson.Raw(b).Validate() }),
			validateTask(s.raw, func(b []byte) error { return obson.Raw(b).Validate() }))
	}
	return tasks
}

// torque's Marshal and Unmarshal with the official driver's signatures.
var (
	tMarshal   = func(v any) ([]byte, error) { return bson.Marshal(v) }
	tUnmarshal = func(b []byte, v any) error { return bson.Unmarshal(b, v) }
)

// encodeTask decodes raw into a value from newV once, checks that encoding
// it gives back raw byte for byte, then measures the encoding.
func encodeTask(raw []byte, unmarshal func([]byte, any) error, marshal func(any) ([]byte, error), newV func() any) func(*testing.B) error {
	return func(b *testing.B) error {
		v := newV()
		if err := unmarshal(raw, v); err != nil {
			return err
		}
		out, err := marshal(v)
		if err != nil {
			return err
		}
		if !bytes.Equal(out, raw) {
			return fmt.Errorf("encoding does not give back the source document (%d vs %d bytes)", len(out), len(raw))
		}
		for b.Loop() {
			if _, err := marshal(v); err != nil {
				return err
			}
		}
		return nil
	}
}

// decodeTask measures decoding raw into a new value from newV each time.
func decodeTask(raw []byte, unmarshal func([]byte, any) error, newV func() any) func(*testing.B) error {
	return func(b *testing.B) error {
		for b.Loop() {
			if err := unmarshal(raw, newV()); err != nil {
				return err
			}
		}
		return nil
	}
}

// validateTask measures the check of raw, without decoding. torque's
// Raw.Validate walks the whole tree and checks UTF-8; the official
// driver's checks the framing of the top-level elements only (it does not
// descend into documents and arrays), so this row is not like for like.
func validateTask(raw []byte, validate func([]byte) error) func(*testing.B) error {
	return func(b *testing.B) error {
		for b.Loop() {
			if err := validate(raw); err != nil {
				return err
			}
		}
		return nil
	}
}
