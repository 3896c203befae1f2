package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/topology"
)

// Collection is a handle to one collection with its read preference and
// concerns. It is a cheap value, safe for concurrent use.
type Collection struct {
	db   *Database
	name string
	rp   ReadPref
	rc   ReadConcern
	wc   WriteConcern
	// timeout is timeoutMS (nil: unset).
	timeout *time.Duration
	// enc encodes the user's values and dec decodes the results for the
	// user (encoder.go); never nil.
	enc *bson.Encoder
	dec *bson.Decoder
}

// Name returns the collection's name.
func (c *Collection) Name() string { return c.name }

// Database returns the collection's database.
func (c *Collection) Database() *Database { return c.db }

// WithOptions returns a copy of the collection with the options' read
// preference, concerns, timeoutMS, Encoder and Decoder.
func (c *Collection) WithOptions(o CollectionOptions) *Collection {
	cp := *c
	cp.rp, cp.rc, cp.wc = o.apply(c.rp, c.rc, c.wc)
	cp.timeout = o.timeoutOr(c.timeout)
	cp.enc, cp.dec = o.encoderOr(c.enc), o.decoderOr(c.dec)
	return &cp
}

func (c *Collection) client() *Client { return c.db.client }

// Timeout returns the collection's timeoutMS and whether one is set (on
// it, its database or its client).
func (c *Collection) Timeout() (time.Duration, bool) { return derefTimeout(c.timeout) }

// execute runs op with the collection's timeoutMS.
func (c *Collection) execute(ctx context.Context, op *driver.Operation) error {
	return c.db.client.executeWith(ctx, op, c.timeout)
}

// Collation is a collation document: language-aware string comparison.
type Collation struct {
	Locale          string `bson:"locale"`
	CaseLevel       bool   `bson:"caseLevel,omitempty"`
	CaseFirst       string `bson:"caseFirst,omitempty"`
	Strength        int    `bson:"strength,omitempty"`
	NumericOrdering bool   `bson:"numericOrdering,omitempty"`
	Alternate       string `bson:"alternate,omitempty"`
	MaxVariable     string `bson:"maxVariable,omitempty"`
	Normalization   bool   `bson:"normalization,omitempty"`
	Backwards       bool   `bson:"backwards,omitempty"`
}

func appendCollation(dst []byte, c *Collation) ([]byte, error) {
	if c == nil {
		return dst, nil
	}
	return appendDoc(dst, &driverEncoder, "collation", c, "collation")
}

// DropCollectionOptions are the options of Collection.Drop.
type DropCollectionOptions struct {
	// EncryptedFields, the collection's Queryable Encryption field map
	// (as given to CreateCollection), makes Drop also drop the
	// collection's metadata collections, as the official drivers do:
	// escCollection and ecocCollection when the map names them, else
	// enxcol_.<name>.esc and enxcol_.<name>.ecoc.
	EncryptedFields any
}

// Drop drops the collection; a collection that does not exist is no
// error.
func (c *Collection) Drop(ctx context.Context, opts ...DropCollectionOptions) error {
	o, err := single(opts)
	if err != nil {
		return err
	}
	names := []string{c.name}
	if o.EncryptedFields != nil {
		ef, err := marshalDoc(c.enc, o.EncryptedFields, "EncryptedFields")
		if err != nil {
			return err
		}
		names = append(encryptedFieldsCollections(c.name, ef), c.name)
	}
	for _, name := range names {
		if err := c.dropCollection(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// encryptedFieldsCollections returns the names of the metadata
// collections of a Queryable Encryption collection.
func encryptedFieldsCollections(coll string, ef bson.Raw) []string {
	var out []string
	for _, f := range []struct{ key, suffix string }{{"escCollection", "esc"}, {"ecocCollection", "ecoc"}} {
		name, ok := ef.Lookup(f.key).StringValue()
		if !ok {
			name = "enxcol_." + coll + "." + f.suffix
		}
		out = append(out, name)
	}
	return out
}

// dropCollection drops the collection name (c's own, or one of its
// Queryable Encryption metadata collections) with c's write concern and
// timeoutMS, ignoring NamespaceNotFound.
func (c *Collection) dropCollection(ctx context.Context, name string) error {
	op := &driver.Operation{Name: "drop", DB: c.db.name, Kind: driver.Command, WriteConcern: c.wc, WritesData: true,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			return bson.AppendStringElement(dst, "drop", name), nil
		}}
	err := c.execute(ctx, op)
	var ce *CommandError
	if errors.As(err, &ce) && (ce.Code == 26 || ce.Message == "ns not found") {
		return nil
	}
	return err
}

// InsertOneOptions are the options of InsertOne.
type InsertOneOptions struct {
	BypassDocumentValidation *bool
	Comment                  any
}

// InsertOneResult is InsertOne's result.
type InsertOneResult struct {
	// InsertedID is the document's _id: its own, or the ObjectID added.
	InsertedID any
}

// InsertManyOptions are the options of InsertMany.
type InsertManyOptions struct {
	// Unordered lets the server go on after a failed document (the
	// default stops at the first error).
	Unordered                bool
	BypassDocumentValidation *bool
	Comment                  any
}

// InsertManyResult is InsertMany's result. Beside an error it is the
// partial result: what the server acknowledged inserting before it.
type InsertManyResult struct {
	// InsertedIDs are the _ids of the documents inserted, in order: their
	// own, or the ObjectIDs added. Beside a *WriteException, those of the
	// failed documents (and, when ordered, of those after) are left out.
	InsertedIDs []any
	// InsertedCount is the number of documents inserted, as the server
	// counted them.
	InsertedCount int64
}

// InsertOne inserts doc (a struct, map, bson.D or bson.Raw), adding an
// ObjectID _id when it has none.
func (c *Collection) InsertOne(ctx context.Context, doc any, opts ...InsertOneOptions) (InsertOneResult, error) {
	o, err := single(opts)
	if err != nil {
		return InsertOneResult{}, err
	}
	in := insertion{ordered: true}
	in.oneDoc[0] = doc
	in.docs = in.oneDoc[:]
	err = c.insert(ctx, &in, o.BypassDocumentValidation, o.Comment)
	return InsertOneResult{InsertedID: in.ids[0]}, err
}

// InsertMany inserts docs, any slice of documents ([]any, []User,
// []*User, []bson.M, []bson.D, ...), split into as many insert commands
// as the server's limits require. Each document is encoded once, straight
// into the message; the elements of a slice of structs are read in place,
// not copied.
func (c *Collection) InsertMany(ctx context.Context, docs any, opts ...InsertManyOptions) (InsertManyResult, error) {
	o, err := single(opts)
	if err != nil {
		return InsertManyResult{}, err
	}
	list, err := documentList(docs)
	if err != nil {
		return InsertManyResult{}, err
	}
	in := insertion{docs: list, ordered: !o.Unordered, many: true}
	err = c.insert(ctx, &in, o.BypassDocumentValidation, o.Comment)
	return InsertManyResult{InsertedIDs: in.inserted(err), InsertedCount: in.n}, err
}

// documentList returns the documents of InsertMany's slice as []any: the
// slice itself when it is one, else one element (a pointer to it, for a
// struct, so that it is not copied) per document.
func documentList(docs any) ([]any, error) {
	if list, ok := docs.([]any); ok {
		if len(list) == 0 {
			return nil, errors.New("client: InsertMany with no documents")
		}
		return list, nil
	}
	rv := reflect.ValueOf(docs)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array || docs == nil {
		return nil, fmt.Errorf("client: InsertMany needs a slice of documents, not %T", docs)
	}
	if rv.Type().Elem() == reflect.TypeFor[byte]() {
		return nil, fmt.Errorf("client: InsertMany needs a slice of documents, not %T (for one encoded document, use InsertOne)", docs)
	}
	if rv.Len() == 0 {
		return nil, errors.New("client: InsertMany with no documents")
	}
	list := make([]any, rv.Len())
	byAddr := rv.Type().Elem().Kind() == reflect.Struct && rv.Kind() == reflect.Slice
	for i := range list {
		if byAddr {
			list[i] = rv.Index(i).Addr().Interface()
		} else {
			list[i] = rv.Index(i).Interface()
		}
	}
	return list, nil
}

// insertion is one InsertOne or InsertMany: its documents, their _ids
// as they are encoded, and what the server acknowledged.
type insertion struct {
	docs    []any
	ordered bool
	many    bool  // InsertMany: count what the replies acknowledge
	ids     []any // ids[i] is docs[i]'s _id once encoded
	n       int64 // the replies' n, summed
	acked   int   // documents [0, acked) were in batches that got a reply
	batch   driver.Batch
	// oneDoc and one hold InsertOne's document and _id without an
	// allocation of their own.
	oneDoc, one [1]any
}

// insert sends in.docs as the "documents" sequence of insert commands,
// each document encoded once, straight into the message.
func (c *Collection) insert(ctx context.Context, in *insertion, bypass *bool, comment any) error {
	in.ids = in.one[:]
	if len(in.docs) > 1 {
		in.ids = make([]any, len(in.docs))
	}
	in.batch = driver.Batch{Identifier: "documents", Len: len(in.docs), Ordered: in.ordered,
		Append: func(dst []byte, i int) ([]byte, error) { return appendInsertDoc(dst, c.enc, in.docs[i], i, &in.ids[i]) }}
	var handle func(*driver.Reply) error
	if in.many {
		handle = in.record
	}
	op := c.writeOperation(writeCommand{name: "insert", seq: "documents", ordered: in.ordered, retryable: true,
		bypass: bypass, comment: comment}, &in.batch, handle)
	return c.execute(ctx, op)
}

// record adds up what an insert reply acknowledges.
func (in *insertion) record(r *driver.Reply) error {
	n, _ := r.Doc.Lookup("n").AsInt64()
	in.n += n
	in.acked = max(in.acked, r.BatchStart+r.BatchLen)
	return nil
}

// inserted returns the _ids of the documents inserted, given the
// operation's error: all of them without one, else those of acknowledged
// batches less the failed documents (and, when ordered, those after the
// first).
func (in *insertion) inserted(err error) []any {
	if err == nil {
		return in.ids
	}
	end, failed := in.acked, map[int]bool{}
	var we *WriteException
	if errors.As(err, &we) {
		for _, e := range we.WriteErrors {
			failed[e.Index] = true
			if in.ordered {
				end = min(end, e.Index)
			}
		}
	}
	ids := make([]any, 0, end)
	for i, id := range in.ids[:min(end, len(in.ids))] {
		if !failed[i] {
			ids = append(ids, id)
		}
	}
	return ids
}

// writeCommand is an insert, update or delete command: its fields around
// the document sequence seq of its statements.
type writeCommand struct {
	name, seq    string // "update", "updates"
	ordered      bool
	retryable    bool  // a retryable write (not with multi: true)
	bypass       *bool // bypassDocumentValidation
	let, comment any
}

// batch is the document sequence of w's encoded statements docs.
func (w *writeCommand) batch(docs [][]byte) *driver.Batch {
	return &driver.Batch{Identifier: w.seq, Docs: docs, Ordered: w.ordered}
}

// writeOperation is the operation of w over batch, its statements;
// handle reads each reply (nil: none).
func (c *Collection) writeOperation(w writeCommand, batch *driver.Batch, handle func(*driver.Reply) error) *driver.Operation {
	return &driver.Operation{Name: w.name, DB: c.db.name, Kind: driver.Write, Retryable: w.retryable, WriteConcern: c.wc,
		Batch: batch,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			dst = bson.AppendStringElement(dst, w.name, c.name)
			dst = bson.AppendBooleanElement(dst, "ordered", w.ordered)
			if w.bypass != nil {
				dst = bson.AppendBooleanElement(dst, "bypassDocumentValidation", *w.bypass)
			}
			dst, err := appendOptionalDoc(dst, c.enc, "let", w.let)
			if err != nil {
				return dst, err
			}
			return appendValue(dst, c.enc, "comment", w.comment)
		},
		Handle: handle}
}
