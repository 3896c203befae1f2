package client

import (
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
)

// Results made from documents, without a server: for the tests of code
// that takes a *Cursor or a SingleResult (the official driver's
// NewCursorFromDocuments and NewSingleResultFromDocument).

// NewCursorFromDocuments returns a Cursor over documents (each encoded
// with reg's codecs; nil for none), which it decodes with reg too. The
// cursor needs no client: Next goes through the documents, then returns
// false, and Err returns err (nil for a normal end). A nil document is an
// error.
func NewCursorFromDocuments(documents []any, err error, reg *bson.Registry) (*Cursor, error) {
	enc, dec := bson.Encoder{Registry: reg}, bson.Decoder{Registry: reg}
	var batch []byte
	for i, d := range documents {
		if d == nil {
			return nil, fmt.Errorf("client: NewCursorFromDocuments: document %d is nil", i)
		}
		var e error
		batch = bson.AppendHeader(batch, bson.TypeEmbeddedDocument, bson.ArrayKey(i))
		if batch, e = enc.MarshalAppend(batch, d); e != nil {
			return nil, fmt.Errorf("client: NewCursorFromDocuments: document %d: %w", i, e)
		}
	}
	return &Cursor{spec: &cursorSpec{enc: &enc, dec: &dec}, rest: batch, err: err}, nil
}

// NewSingleResultFromDocument returns a SingleResult holding document
// (encoded with reg's codecs; nil for none), which Decode decodes with
// reg too, and err, which Err, Raw and Decode return when it is not nil.
// A nil document is an error.
func NewSingleResultFromDocument(document any, err error, reg *bson.Registry) SingleResult {
	if document == nil {
		return SingleResult{err: errors.New("client: NewSingleResultFromDocument: document is nil")}
	}
	doc, e := bson.Encoder{Registry: reg}.Marshal(document)
	if e != nil {
		return SingleResult{err: fmt.Errorf("client: NewSingleResultFromDocument: %w", e)}
	}
	return SingleResult{doc: doc, err: err, dec: bson.Decoder{Registry: reg}}
}
