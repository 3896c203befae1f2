package client

import "github.com/torque-go/torque/bson"

// This file gives each handle its Encoder: the client's Options.Encoder,
// which a Database or Collection replaces with CollectionOptions.Encoder,
// as the official driver's Registry and BSONOptions do at those levels.
// Every value of the user's that an operation encodes goes through the
// Encoder of the handle it runs on (encode.go): documents, filters,
// updates, pipelines, and options such as Sort, Hint, Let, Comment,
// Projection, ArrayFilters, index keys, commands. The encoding happens
// once, straight into the message, whatever the Encoder: with the default
// one nothing costs more than plain bson.MarshalAppend.

// enc returns the client's Encoder.
func (c *Client) enc() *bson.Encoder { return &c.opts.Encoder }

// Encoder returns the Encoder the database encodes the user's values
// with: CollectionOptions.Encoder given to Client.Database, else the
// client's Options.Encoder. Packages built on Database (gridfs) encode
// theirs with it.
func (db *Database) Encoder() bson.Encoder { return *db.enc }

// Encoder returns the Encoder the collection encodes the user's values
// with: CollectionOptions.Encoder given to Database.Collection or
// WithOptions, else its database's.
func (c *Collection) Encoder() bson.Encoder { return *c.enc }

// encoderOr returns o's Encoder (a copy, so that the caller may reuse
// its own), else the inherited one.
func (o CollectionOptions) encoderOr(inherited *bson.Encoder) *bson.Encoder {
	if o.Encoder != nil {
		e := *o.Encoder
		return &e
	}
	return inherited
}
