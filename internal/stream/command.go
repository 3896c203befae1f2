package stream

import (
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/changestream"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// Target is where a stream watches and how its commands run: what the
// client's Watch helpers fill in.
type Target struct {
	// DB is the database; Coll the collection, "" for a whole database.
	// Cluster watches every database (DB is then ignored: admin).
	DB, Coll string
	Cluster  bool

	// ReadPref selects the server, for the first aggregate and for every
	// resume. ReadConcern is the collection's (change streams accept
	// "majority" or none).
	ReadPref    topology.ReadPref
	ReadConcern session.ReadConcern

	// Session is the application's explicit session, nil for an
	// implicit one that the stream keeps for its lifetime.
	Session *session.ClientSession

	// Encoder encodes the user's values: the pipeline, Collation and
	// Comment (nil: the default encoding).
	Encoder *bson.Encoder
}

// minWireStartAtOperationTime is MongoDB 4.0's wire version, from which a
// stream may resume at the saved operationTime.
const minWireStartAtOperationTime = 7

// minWireGetMoreComment is MongoDB 4.4's: getMore takes any comment.
const minWireGetMoreComment = 9

// minWireResumableLabel is MongoDB 4.4's too: from it on the server labels
// resumable errors ResumableChangeStreamError, and the driver's allow list
// of codes is for older servers only.
const minWireResumableLabel = 9

// encodedOptions are the parts of changestream.Options that are user values, encoded
// once when the stream opens.
type encodedOptions struct {
	stages    []bson.Raw // the user's pipeline, after $changeStream
	collation bson.Raw
	comment   bson.RawValue
}

// encode marshals the pipeline and the user values of o with enc (nil:
// the default encoding).
func encode(enc *bson.Encoder, pipeline any, o *changestream.Options) (encodedOptions, error) {
	if enc == nil {
		enc = &bson.Encoder{}
	}
	var e encodedOptions
	var err error
	if e.stages, err = stages(enc, pipeline); err != nil {
		return e, err
	}
	if o.Collation != nil {
		if e.collation, err = enc.Marshal(o.Collation); err != nil {
			return e, fmt.Errorf("changestream: option Collation: %w", err)
		}
	}
	if o.Comment != nil {
		t, b, err := enc.MarshalValue(o.Comment)
		if err != nil {
			return e, fmt.Errorf("changestream: option Comment: %w", err)
		}
		e.comment = bson.RawValue{Type: t, Value: b}
	}
	for _, tok := range []struct {
		name string
		doc  bson.Raw
	}{{"ResumeAfter", o.ResumeAfter}, {"StartAfter", o.StartAfter}} {
		if tok.doc != nil {
			if err := tok.doc.Validate(); err != nil {
				return e, fmt.Errorf("changestream: option %s is not a valid document: %w", tok.name, err)
			}
		}
	}
	return e, nil
}

// stages marshals a pipeline (nil, or a slice of stage documents) into
// its stages.
func stages(enc *bson.Encoder, pipeline any) ([]bson.Raw, error) {
	if pipeline == nil {
		return nil, nil
	}
	t, b, err := enc.MarshalValue(pipeline)
	if err != nil {
		return nil, fmt.Errorf("changestream: pipeline: %w", err)
	}
	if t != bson.TypeArray {
		return nil, fmt.Errorf("changestream: pipeline must be a slice of stages (bson.A, []bson.D), not %s", t)
	}
	var out []bson.Raw
	for i, v := range bson.RawArray(b).All() {
		d, ok := v.Document()
		if !ok {
			return nil, fmt.Errorf("changestream: pipeline stage %d is a %s, not a document", i, v.Type)
		}
		out = append(out, d)
	}
	return out, nil
}

// resumePoint is the one option that says where an aggregate starts.
type resumePoint struct {
	key   string // "resumeAfter", "startAfter", "startAtOperationTime", or "" for none
	token bson.Raw
	ts    bson.Timestamp
}

// appendAggregate appends the aggregate command of a stream starting at
// rp (the user's own options on the first run: see Stream.startPoints).
func appendAggregate(dst []byte, t *Target, o *changestream.Options, e *encodedOptions, rps []resumePoint) ([]byte, error) {
	if t.Coll != "" && !t.Cluster {
		dst = bson.AppendStringElement(dst, "aggregate", t.Coll)
	} else {
		dst = bson.AppendInt32Element(dst, "aggregate", 1)
	}
	arr, dst := bson.AppendArrayElementStart(dst, "pipeline")
	stage, dst := bson.AppendDocumentElementStart(dst, "0")
	dst = appendChangeStreamStage(dst, t, o, rps)
	dst, err := bson.AppendDocumentEnd(dst, stage)
	if err != nil {
		return dst, err
	}
	for i, s := range e.stages {
		dst = bson.AppendDocumentElement(dst, bson.ArrayKey(i+1), s)
	}
	if dst, err = bson.AppendDocumentEnd(dst, arr); err != nil {
		return dst, err
	}
	cur, dst := bson.AppendDocumentElementStart(dst, "cursor")
	if o.BatchSize > 0 {
		dst = bson.AppendInt32Element(dst, "batchSize", o.BatchSize)
	}
	if dst, err = bson.AppendDocumentEnd(dst, cur); err != nil {
		return dst, err
	}
	if e.collation != nil {
		dst = bson.AppendDocumentElement(dst, "collation", e.collation)
	}
	return appendComment(dst, e), nil
}

// appendChangeStreamStage appends the body of {$changeStream: {...}}.
func appendChangeStreamStage(dst []byte, t *Target, o *changestream.Options, rps []resumePoint) []byte {
	cs, dst := bson.AppendDocumentElementStart(dst, "$changeStream")
	if t.Cluster {
		dst = bson.AppendBooleanElement(dst, "allChangesForCluster", true)
	}
	if o.FullDocument != "" {
		dst = bson.AppendStringElement(dst, "fullDocument", o.FullDocument)
	}
	if o.FullDocumentBeforeChange != "" {
		dst = bson.AppendStringElement(dst, "fullDocumentBeforeChange", o.FullDocumentBeforeChange)
	}
	for _, rp := range rps {
		switch rp.key {
		case "resumeAfter", "startAfter":
			dst = bson.AppendDocumentElement(dst, rp.key, rp.token)
		case "startAtOperationTime":
			dst = bson.AppendTimestampElement(dst, rp.key, rp.ts.T, rp.ts.I)
		}
	}
	if o.ShowExpandedEvents {
		dst = bson.AppendBooleanElement(dst, "showExpandedEvents", true)
	}
	dst, _ = bson.AppendDocumentEnd(dst, cs) // small: cannot overflow
	return dst
}

func appendComment(dst []byte, e *encodedOptions) []byte {
	if e.comment.Type == 0 {
		return dst
	}
	dst = bson.AppendHeader(dst, e.comment.Type, "comment")
	return append(dst, e.comment.Value...)
}
