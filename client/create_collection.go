package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
)

// CreateCollectionOptions are the options of CreateCollection; zero
// values are left out of the create command.
type CreateCollectionOptions struct {
	Capped       bool
	SizeInBytes  int64
	MaxDocuments int64
	Validator    any
	// ValidationLevel: "off", "strict", "moderate"; ValidationAction:
	// "error", "warn".
	ValidationLevel  string
	ValidationAction string
	Collation        *Collation
	// TimeSeries makes a time-series collection (MongoDB 5.0+).
	TimeSeries *TimeSeriesOptions
	// ClusteredIndex makes a clustered collection, whose documents are
	// stored in _id order (MongoDB 5.3+).
	ClusteredIndex *ClusteredIndexOptions
	// ExpireAfterSeconds deletes documents that old: in a time-series
	// collection by their time field, in a clustered one by their _id
	// (a date). 0 is a valid value, hence the pointer.
	ExpireAfterSeconds *int64
	// ChangeStreamPreAndPostImages, when set, is sent as {enabled: v}:
	// change streams can then show documents before and after a change
	// (fullDocumentBeforeChange; MongoDB 6.0+).
	ChangeStreamPreAndPostImages *bool
	// EncryptedFields is sent to the server as given (Queryable
	// Encryption's field map). torque has no client-side encryption: it
	// does not create the enxcol_ collections or the __safeContent__
	// index that the official drivers create beside it.
	EncryptedFields any
	// StorageEngine and IndexOptionDefaults are sent as given.
	StorageEngine       any
	IndexOptionDefaults any
	// Extra holds any other field of the create command, sent as given.
	Extra bson.D
}

// TimeSeriesOptions describe a time-series collection: the create
// command's timeseries document.
type TimeSeriesOptions struct {
	// TimeField names the field holding each measurement's date
	// (required).
	TimeField string
	// MetaField names the field that identifies a series (optional).
	MetaField string
	// Granularity is "seconds", "minutes" or "hours" (empty: the
	// server's default, seconds). It excludes the two bucket settings.
	Granularity string
	// BucketMaxSpan and BucketRounding (MongoDB 6.3+, whole seconds, set
	// together and equal) bound the time one bucket of documents spans.
	BucketMaxSpan  time.Duration
	BucketRounding time.Duration
}

// ClusteredIndexOptions describe the clustered index of a clustered
// collection: always on {_id: 1} and unique, as the server requires.
type ClusteredIndexOptions struct {
	// Name is the index's name (empty: the server's, "_id_").
	Name string
}

// CreateCollection creates the collection name.
func (db *Database) CreateCollection(ctx context.Context, name string, opts ...CreateCollectionOptions) error {
	o, err := single(opts)
	if err != nil {
		return err
	}
	// Encode once, before any I/O: a bad option fails at once.
	body, err := appendCreateOptions(bson.AppendStringElement(nil, "create", name), db.enc, &o)
	if err != nil {
		return err
	}
	return db.simple(ctx, "create", func(dst []byte) ([]byte, error) { return append(dst, body...), nil })
}

// appendCreateOptions appends the create command's options.
func appendCreateOptions(dst []byte, enc *bson.Encoder, o *CreateCollectionOptions) ([]byte, error) {
	if o.Capped {
		dst = bson.AppendBooleanElement(dst, "capped", true)
	}
	if o.SizeInBytes > 0 {
		dst = bson.AppendInt64Element(dst, "size", o.SizeInBytes)
	}
	if o.MaxDocuments > 0 {
		dst = bson.AppendInt64Element(dst, "max", o.MaxDocuments)
	}
	if o.ValidationLevel != "" {
		dst = bson.AppendStringElement(dst, "validationLevel", o.ValidationLevel)
	}
	if o.ValidationAction != "" {
		dst = bson.AppendStringElement(dst, "validationAction", o.ValidationAction)
	}
	dst, err := appendCollation(dst, o.Collation)
	if err != nil {
		return dst, err
	}
	if dst, err = appendTimeSeries(dst, o.TimeSeries); err != nil {
		return dst, err
	}
	if ci := o.ClusteredIndex; ci != nil {
		start, d := bson.AppendDocumentElementStart(dst, "clusteredIndex")
		k, d := bson.AppendDocumentElementStart(d, "key")
		d = bson.AppendInt32Element(d, "_id", 1)
		d, _ = bson.AppendDocumentEnd(d, k)
		d = bson.AppendBooleanElement(d, "unique", true)
		if ci.Name != "" {
			d = bson.AppendStringElement(d, "name", ci.Name)
		}
		dst, _ = bson.AppendDocumentEnd(d, start)
	}
	if o.ExpireAfterSeconds != nil {
		dst = bson.AppendInt64Element(dst, "expireAfterSeconds", *o.ExpireAfterSeconds)
	}
	if o.ChangeStreamPreAndPostImages != nil {
		start, d := bson.AppendDocumentElementStart(dst, "changeStreamPreAndPostImages")
		d = bson.AppendBooleanElement(d, "enabled", *o.ChangeStreamPreAndPostImages)
		dst, _ = bson.AppendDocumentEnd(d, start)
	}
	for _, d := range []struct {
		key string
		v   any
	}{{"validator", o.Validator}, {"encryptedFields", o.EncryptedFields},
		{"storageEngine", o.StorageEngine}, {"indexOptionDefaults", o.IndexOptionDefaults}} {
		if dst, err = appendOptionalDoc(dst, enc, d.key, d.v); err != nil {
			return dst, err
		}
	}
	for _, e := range o.Extra {
		if dst, err = appendValue(dst, enc, e.Key, e.Value); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendTimeSeries appends timeseries: {timeField, metaField,
// granularity, bucketMaxSpanSeconds, bucketRoundingSeconds}.
func appendTimeSeries(dst []byte, ts *TimeSeriesOptions) ([]byte, error) {
	if ts == nil {
		return dst, nil
	}
	if ts.TimeField == "" {
		return dst, errors.New("client: TimeSeriesOptions.TimeField is required")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"BucketMaxSpan", ts.BucketMaxSpan}, {"BucketRounding", ts.BucketRounding}} {
		if d.v < 0 || d.v%time.Second != 0 {
			return dst, fmt.Errorf("client: TimeSeriesOptions.%s must be a positive whole number of seconds, not %v", d.name, d.v)
		}
	}
	start, dst := bson.AppendDocumentElementStart(dst, "timeseries")
	dst = bson.AppendStringElement(dst, "timeField", ts.TimeField)
	if ts.MetaField != "" {
		dst = bson.AppendStringElement(dst, "metaField", ts.MetaField)
	}
	if ts.Granularity != "" {
		dst = bson.AppendStringElement(dst, "granularity", ts.Granularity)
	}
	if ts.BucketMaxSpan > 0 {
		dst = bson.AppendInt64Element(dst, "bucketMaxSpanSeconds", int64(ts.BucketMaxSpan/time.Second))
	}
	if ts.BucketRounding > 0 {
		dst = bson.AppendInt64Element(dst, "bucketRoundingSeconds", int64(ts.BucketRounding/time.Second))
	}
	return bson.AppendDocumentEnd(dst, start)
}

// CreateViewOptions are the options of CreateView.
type CreateViewOptions struct {
	// Collation is the view's default collation.
	Collation *Collation
}

// CreateView creates the read-only view viewName: the documents of the
// collection (or view) viewOn of this database passed through pipeline
// (a slice of stages; nil or empty for all of them).
func (db *Database) CreateView(ctx context.Context, viewName, viewOn string, pipeline any, opts ...CreateViewOptions) error {
	o, err := single(opts)
	if err != nil {
		return err
	}
	if viewOn == "" {
		return errors.New("client: CreateView needs the name of the collection the view is on")
	}
	body := bson.AppendStringElement(nil, "create", viewName)
	body = bson.AppendStringElement(body, "viewOn", viewOn)
	if body, err = appendPipeline(body, db.enc, "pipeline", pipeline); err != nil {
		return err
	}
	if body, err = appendCollation(body, o.Collation); err != nil {
		return err
	}
	return db.simple(ctx, "create", func(dst []byte) ([]byte, error) { return append(dst, body...), nil })
}
