package client

import "github.com/torque-go/torque/bson"

// This file gives each handle its Encoder and Decoder: the client's
// Options.Encoder and Options.Decoder, which a Database or Collection
// replaces with CollectionOptions.Encoder and .Decoder, as the official
// driver's Registry and BSONOptions do at those levels. Every value of
// the user's that an operation encodes goes through the Encoder of the
// handle it runs on (encode.go): documents, filters, updates, pipelines,
// and options such as Sort, Hint, Let, Comment, Projection, ArrayFilters,
// index keys, commands. The encoding happens once, straight into the
// message, whatever the Encoder: with the default one nothing costs more
// than plain bson.MarshalAppend. What the handle's operations return
// (SingleResult, Cursor, TypedCursor, DistinctAs, ChangeStream) decodes
// with its Decoder.

// enc returns the client's Encoder.
func (c *Client) enc() *bson.Encoder { return &c.opts.Encoder }

// codecs are a handle's Encoder and Decoder, for the helpers that serve
// several kinds of handle.
type codecs struct {
	enc *bson.Encoder
	dec *bson.Decoder
}

func (db *Database) codecs() codecs  { return codecs{db.enc, db.dec} }
func (c *Collection) codecs() codecs { return codecs{c.enc, c.dec} }

// Encoder returns the Encoder the database encodes the user's values
// with: CollectionOptions.Encoder given to Client.Database, else the
// client's Options.Encoder. Packages built on Database (gridfs) encode
// theirs with it.
func (db *Database) Encoder() bson.Encoder { return *db.enc }

// Decoder returns the Decoder of the database's results:
// CollectionOptions.Decoder given to Client.Database, else the client's
// Options.Decoder.
func (db *Database) Decoder() bson.Decoder { return *db.dec }

// Encoder returns the Encoder the collection encodes the user's values
// with: CollectionOptions.Encoder given to Database.Collection or
// WithOptions, else its database's.
func (c *Collection) Encoder() bson.Encoder { return *c.enc }

// Decoder returns the Decoder of the collection's results:
// CollectionOptions.Decoder given to Database.Collection or WithOptions,
// else its database's.
func (c *Collection) Decoder() bson.Decoder { return *c.dec }

// encoderOr returns o's Encoder (a copy, so that the caller may reuse
// its own), else the inherited one.
func (o CollectionOptions) encoderOr(inherited *bson.Encoder) *bson.Encoder {
	if o.Encoder != nil {
		e := *o.Encoder
		return &e
	}
	return inherited
}

// decoderOr returns o's Decoder (a copy), else the inherited one.
func (o CollectionOptions) decoderOr(inherited *bson.Decoder) *bson.Decoder {
	if o.Decoder != nil {
		d := *o.Decoder
		return &d
	}
	return inherited
}

// decoder returns the Decoder of the handle that opened the cursor.
func (cur *Cursor) decoder() bson.Decoder {
	if cur.spec != nil && cur.spec.dec != nil {
		return *cur.spec.dec
	}
	return cur.client.opts.Decoder
}
