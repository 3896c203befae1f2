package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/topology"
)

// Database is a handle to one database with its read preference and
// concerns. It is a cheap value, safe for concurrent use.
type Database struct {
	client *Client
	name   string
	rp     ReadPref
	rc     ReadConcern
	wc     WriteConcern
	// timeout is timeoutMS (nil: unset), which collections inherit.
	timeout *time.Duration
	// enc encodes the user's values and dec decodes the results for the
	// user (encoder.go); never nil.
	enc *bson.Encoder
	dec *bson.Decoder
}

// CollectionOptions override the read preference, concerns, timeoutMS,
// Encoder and Decoder a Database or Collection inherits; nil fields
// inherit.
type CollectionOptions struct {
	ReadPreference *ReadPref
	ReadConcern    *ReadConcern
	WriteConcern   *WriteConcern
	// Timeout is timeoutMS for the operations on the handle (0: no
	// limit; see WithTimeout for one operation). Negative is an error
	// when an operation runs.
	Timeout *time.Duration
	// Encoder replaces the client's Options.Encoder (its Registry of
	// custom codecs and its options) for every value the handle's
	// operations encode; Decoder replaces Options.Decoder for the results
	// they decode (Decode, All, TypedCursor, DistinctAs, ChangeStream).
	Encoder *bson.Encoder
	Decoder *bson.Decoder
}

// timeoutOr returns o's timeoutMS, else the inherited one.
func (o CollectionOptions) timeoutOr(inherited *time.Duration) *time.Duration {
	if o.Timeout != nil {
		return optTimeout(*o.Timeout)
	}
	return inherited
}

func (o CollectionOptions) apply(rp ReadPref, rc ReadConcern, wc WriteConcern) (ReadPref, ReadConcern, WriteConcern) {
	if o.ReadPreference != nil {
		rp = *o.ReadPreference
	}
	if o.ReadConcern != nil {
		rc = *o.ReadConcern
	}
	if o.WriteConcern != nil {
		wc = *o.WriteConcern
	}
	return rp, rc, wc
}

// Name returns the database's name.
func (db *Database) Name() string { return db.name }

// Client returns the client the database belongs to.
func (db *Database) Client() *Client { return db.client }

// Collection returns a handle for the collection name. No I/O.
func (db *Database) Collection(name string, opts ...CollectionOptions) *Collection {
	c := &Collection{db: db, name: name, rp: db.rp, rc: db.rc, wc: db.wc, timeout: db.timeout, enc: db.enc, dec: db.dec}
	if len(opts) > 0 {
		c.rp, c.rc, c.wc = opts[0].apply(c.rp, c.rc, c.wc)
		c.timeout = opts[0].timeoutOr(c.timeout)
		c.enc, c.dec = opts[0].encoderOr(c.enc), opts[0].decoderOr(c.dec)
	}
	return c
}

// Timeout returns the database's timeoutMS and whether one is set (on it
// or on its client).
func (db *Database) Timeout() (time.Duration, bool) { return derefTimeout(db.timeout) }

// execute runs op with the database's timeoutMS.
func (db *Database) execute(ctx context.Context, op *driver.Operation) error {
	return db.client.executeWith(ctx, op, db.timeout)
}

// SingleResult is the outcome of an operation that returns one document:
// RunCommand, FindOne, FindOneAnd*. Its document is a copy, valid for as
// long as the SingleResult.
type SingleResult struct {
	doc bson.Raw
	err error
	dec bson.Decoder // the client's Decoder options
}

// Err returns the operation's error: ErrNoDocuments when nothing matched.
func (r SingleResult) Err() error { return r.err }

// Raw returns the document, or the error.
func (r SingleResult) Raw() (bson.Raw, error) { return r.doc, r.err }

// Decode unmarshals the document into v, with the client's Decoder
// options, or returns the error.
func (r SingleResult) Decode(v any) error {
	if r.err != nil {
		return r.err
	}
	return decode(r.dec, r.doc, v, "Decode")
}

// RunCommandOptions are the options of RunCommand.
type RunCommandOptions struct {
	// ReadPreference selects the server; nil means primary (the command
	// may write).
	ReadPreference *ReadPref
}

// RunCommand runs cmd, an ordered document (bson.D, or a struct; not a
// map: the command name must come first), against the database, with
// $db, the session and $clusterTime added. The reply, {ok: 1, ...}, is
// the result; {ok: 0} is a *CommandError.
func (db *Database) RunCommand(ctx context.Context, cmd any, opts ...RunCommandOptions) SingleResult {
	o, err := single(opts)
	if err != nil {
		return SingleResult{err: err}
	}
	if err := checkOrdered(cmd, "RunCommand's command"); err != nil {
		return SingleResult{err: err} // the command name must come first
	}
	out := SingleResult{dec: *db.dec}
	op := &driver.Operation{Name: commandName(db.enc, cmd), DB: db.name, Kind: driver.Command,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			if cmd == nil {
				return dst, errors.New("client: RunCommand: command must not be nil")
			}
			b, err := db.enc.MarshalAppend(nil, cmd)
			if err != nil {
				return dst, fmt.Errorf("client: RunCommand: %w", err)
			}
			doc := bson.Raw(b)
			if firstKey(doc) == "" {
				return dst, errors.New("client: RunCommand: command document is empty")
			}
			return append(dst, doc[4:len(doc)-1]...), nil
		},
		Handle: func(r *driver.Reply) error {
			out.doc = bson.Raw(bytes.Clone(r.Doc))
			return nil
		}}
	if o.ReadPreference != nil {
		op.ReadPref = *o.ReadPreference
	}
	if s := sessionFrom(ctx); s != nil {
		// In a transaction the command must go to the primary.
		if err := s.cs.CheckCommandReadPref(op.ReadPref.Mode); err != nil {
			return SingleResult{err: err}
		}
	}
	if err := db.execute(ctx, op); err != nil {
		return SingleResult{err: err}
	}
	return out
}

// commandName returns the first key of a command for monitoring, before
// it is encoded.
func commandName(enc *bson.Encoder, cmd any) string {
	switch c := cmd.(type) {
	case bson.D:
		if len(c) > 0 {
			return c[0].Key
		}
	case bson.Raw:
		return firstKey(c)
	}
	b, err := enc.Marshal(cmd)
	if err != nil {
		return ""
	}
	return firstKey(b)
}

// Drop drops the database.
func (db *Database) Drop(ctx context.Context) error {
	return db.simple(ctx, "dropDatabase", func(dst []byte) ([]byte, error) {
		return bson.AppendInt32Element(dst, "dropDatabase", 1), nil
	})
}

// simple runs a write-concerned command built by build, ignoring its
// reply.
func (db *Database) simple(ctx context.Context, name string, build func(dst []byte) ([]byte, error)) error {
	op := &driver.Operation{Name: name, DB: db.name, Kind: driver.Command, WriteConcern: db.wc, WritesData: true,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) { return build(dst) }}
	return db.execute(ctx, op)
}

// CollectionSpec describes one collection in ListCollections.
type CollectionSpec struct {
	Name string `bson:"name"`
	// Type is "collection", "view" or "timeseries".
	Type string `bson:"type"`
	// Options are the collection's create options (capped, validator,
	// viewOn, timeseries, clusteredIndex ...).
	Options bson.Raw `bson:"options"`
	Info    bson.Raw `bson:"info"`
	// IDIndex is the collection's index on _id (nil for views and
	// clustered collections).
	IDIndex *IndexSpecification `bson:"idIndex"`
	// ReadOnly and UUID are read from Info by
	// ListCollectionSpecifications (UUID is nil for views).
	ReadOnly bool       `bson:"-"`
	UUID     *bson.UUID `bson:"-"`
}

// ListCollectionsOptions are the options of ListCollections.
type ListCollectionsOptions struct {
	NameOnly              bool
	AuthorizedCollections bool
	BatchSize             int32
	Comment               any
}

// ListCollections returns a cursor over the collections matching filter
// (nil for all); decode its documents into CollectionSpec.
func (db *Database) ListCollections(ctx context.Context, filter any, opts ...ListCollectionsOptions) (*Cursor, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	return db.client.openCursor(ctx, &cursorSpec{name: "listCollections", db: db.name, kind: driver.Read, retryable: true,
		rp: ReadPref{Mode: topology.Primary}, batchSize: o.BatchSize, comment: o.Comment, timeout: db.timeout, enc: db.enc, dec: db.dec,
		build: func(dst []byte) ([]byte, error) {
			dst = bson.AppendInt32Element(dst, "listCollections", 1)
			dst, err := appendOptionalDoc(dst, db.enc, "filter", filter)
			if err != nil {
				return dst, err
			}
			if o.NameOnly {
				dst = bson.AppendBooleanElement(dst, "nameOnly", true)
			}
			if o.AuthorizedCollections {
				dst = bson.AppendBooleanElement(dst, "authorizedCollections", true)
			}
			dst = appendCursorDoc(dst, o.BatchSize)
			return appendValue(dst, db.enc, "comment", o.Comment)
		}})
}

// ListCollectionSpecifications returns the collections matching filter
// (nil for all), decoded, with ReadOnly and UUID filled from their info.
func (db *Database) ListCollectionSpecifications(ctx context.Context, filter any, opts ...ListCollectionsOptions) ([]CollectionSpec, error) {
	cur, err := db.ListCollections(ctx, filter, opts...)
	if err != nil {
		return nil, err
	}
	var specs []CollectionSpec
	if err := cur.All(ctx, &specs); err != nil {
		return nil, err
	}
	for i := range specs {
		s := &specs[i]
		s.ReadOnly, _ = s.Info.Lookup("readOnly").Boolean()
		if b, ok := s.Info.Lookup("uuid").Binary(); ok {
			if u, err := b.UUID(); err == nil {
				s.UUID = &u
			}
		}
	}
	return specs, nil
}

// ListCollectionNames returns the names of the collections matching
// filter.
func (db *Database) ListCollectionNames(ctx context.Context, filter any) ([]string, error) {
	cur, err := db.ListCollections(ctx, filter, ListCollectionsOptions{NameOnly: true})
	if err != nil {
		return nil, err
	}
	defer cur.Close(ctx)
	var names []string
	for cur.Next(ctx) {
		v, err := cur.Current.LookupErr("name")
		if err != nil && !errors.Is(err, bson.ErrElementNotFound) {
			return nil, fmt.Errorf("client: listCollections returned a malformed document: %w", err)
		}
		n, ok := v.StringValue()
		if !ok {
			return nil, errors.New("client: listCollections returned a collection without a name")
		}
		names = append(names, n)
	}
	return names, cur.Err()
}

// Aggregate runs a database-level aggregation ({aggregate: 1}), such as
// $currentOp or $documents.
func (db *Database) Aggregate(ctx context.Context, pipeline any, opts ...AggregateOptions) (*Cursor, error) {
	return aggregate(ctx, db.client, db.codecs(), db.name, "", db.rp, db.rc, db.wc, db.timeout, pipeline, opts)
}
