package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/topology"
)

// IndexView manages the indexes of one collection: createIndexes,
// listIndexes and dropIndexes. Get one with Collection.Indexes; it is a
// small value, safe for concurrent use.
type IndexView struct {
	coll *Collection
}

// Indexes returns the view of the collection's indexes. No I/O.
func (c *Collection) Indexes() IndexView { return IndexView{coll: c} }

// IndexModel describes one index to create.
type IndexModel struct {
	// Keys is the key pattern, an ordered document: bson.D{bson.KV("a", 1),
	// bson.KV("b", -1)}, bson.Raw or a struct. A map is accepted only with
	// a single key, since a map has no order.
	Keys    any
	Options IndexOptions
}

// IndexOptions are the options of one index. Name defaults to the name
// the official drivers give: each key and its value joined by "_"
// ("a_1_b_-1", "title_text").
type IndexOptions struct {
	Name   string
	Unique bool
	Sparse bool
	// ExpireAfterSeconds makes a TTL index (0 is a valid TTL).
	ExpireAfterSeconds      *int32
	PartialFilterExpression any
	Collation               *Collation
	// Hidden hides the index from the query planner.
	Hidden bool
	// Text indexes.
	Weights          any
	DefaultLanguage  string
	LanguageOverride string
	// WildcardProjection selects the fields of a wildcard index.
	WildcardProjection any
	// Extra holds any other field of the index document, sent as given:
	// "2dsphereIndexVersion", "bits", "min", "max", "storageEngine", ...
	Extra bson.D
}

// CreateIndexesOptions are the options of CreateOne and CreateMany.
type CreateIndexesOptions struct {
	// CommitQuorum is how many data-bearing members must be ready before
	// the index commits: an int, "majority" or "votingMembers".
	CommitQuorum any
	MaxTime      time.Duration
	Comment      any
}

// ListIndexesOptions are the options of List and ListSpecifications.
type ListIndexesOptions struct {
	BatchSize int32
	MaxTime   time.Duration
	Comment   any
}

// DropIndexesOptions are the options of DropOne and DropAll.
type DropIndexesOptions struct {
	MaxTime time.Duration
	Comment any
}

// IndexSpecification describes one index, as listIndexes reports it.
type IndexSpecification struct {
	Name                    string   `bson:"name"`
	Keys                    bson.Raw `bson:"key"`
	Version                 int32    `bson:"v"`
	Unique                  bool     `bson:"unique"`
	Sparse                  bool     `bson:"sparse"`
	Hidden                  bool     `bson:"hidden"`
	ExpireAfterSeconds      *int32   `bson:"expireAfterSeconds"`
	PartialFilterExpression bson.Raw `bson:"partialFilterExpression"`
	Collation               bson.Raw `bson:"collation"`
}

// CreateOne creates one index and returns its name.
func (iv IndexView) CreateOne(ctx context.Context, model IndexModel, opts ...CreateIndexesOptions) (string, error) {
	names, err := iv.CreateMany(ctx, []IndexModel{model}, opts...)
	if err != nil {
		return "", err
	}
	return names[0], nil
}

// CreateMany creates the indexes in one createIndexes command and returns
// their names, in order. Creating an index that exists with the same
// options is no error.
func (iv IndexView) CreateMany(ctx context.Context, models []IndexModel, opts ...CreateIndexesOptions) ([]string, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	if len(models) == 0 {
		return nil, errors.New("client: CreateMany with no index models")
	}
	names := make([]string, len(models))
	// Encode the index documents once, before the command builder runs
	// (which a retry would run again): errors surface without I/O.
	start, indexes := bson.AppendArrayElementStart(nil, "indexes")
	for i, m := range models {
		if indexes, names[i], err = appendIndexModel(indexes, iv.coll.enc, bson.ArrayKey(i), &m); err != nil {
			return nil, fmt.Errorf("client: index model %d: %w", i, err)
		}
	}
	if indexes, err = bson.AppendDocumentEnd(indexes, start); err != nil {
		return nil, err
	}
	c := iv.coll
	op := &driver.Operation{Name: "createIndexes", DB: c.db.name, Kind: driver.Command, WriteConcern: c.wc, MaxTime: o.MaxTime,
		WritesData: true,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			dst = bson.AppendStringElement(dst, "createIndexes", c.name)
			dst = append(dst, indexes...)
			dst, err := appendValue(dst, c.enc, "commitQuorum", o.CommitQuorum)
			if err != nil {
				return dst, err
			}
			return appendValue(dst, c.enc, "comment", o.Comment)
		}}
	if err := c.execute(ctx, op); err != nil {
		return nil, err
	}
	return names, nil
}

// appendIndexModel appends the index document of m under key and returns
// the index's name.
func appendIndexModel(dst []byte, enc *bson.Encoder, key string, m *IndexModel) ([]byte, string, error) {
	keys, err := indexKeys(enc, m.Keys)
	if err != nil {
		return dst, "", err
	}
	o := &m.Options
	name := o.Name
	if name == "" {
		if name, err = IndexName(keys); err != nil {
			return dst, "", err
		}
	}
	start, dst := bson.AppendDocumentElementStart(dst, key)
	dst = bson.AppendDocumentElement(dst, "key", keys)
	dst = bson.AppendStringElement(dst, "name", name)
	for _, f := range []struct {
		key string
		on  bool
	}{{"unique", o.Unique}, {"sparse", o.Sparse}, {"hidden", o.Hidden}} {
		if f.on {
			dst = bson.AppendBooleanElement(dst, f.key, true)
		}
	}
	if o.ExpireAfterSeconds != nil {
		dst = bson.AppendInt32Element(dst, "expireAfterSeconds", *o.ExpireAfterSeconds)
	}
	for _, d := range []struct {
		key string
		v   any
	}{{"partialFilterExpression", o.PartialFilterExpression}, {"weights", o.Weights}, {"wildcardProjection", o.WildcardProjection}} {
		if dst, err = appendOptionalDoc(dst, enc, d.key, d.v); err != nil {
			return dst, "", err
		}
	}
	if dst, err = appendCollation(dst, o.Collation); err != nil {
		return dst, "", err
	}
	if o.DefaultLanguage != "" {
		dst = bson.AppendStringElement(dst, "default_language", o.DefaultLanguage)
	}
	if o.LanguageOverride != "" {
		dst = bson.AppendStringElement(dst, "language_override", o.LanguageOverride)
	}
	for _, e := range o.Extra {
		if dst, err = appendValue(dst, enc, e.Key, e.Value); err != nil {
			return dst, "", err
		}
	}
	dst, err = bson.AppendDocumentEnd(dst, start)
	return dst, name, err
}

// indexKeys marshals a key pattern, refusing what has no defined order.
func indexKeys(enc *bson.Encoder, keys any) (bson.Raw, error) {
	if keys == nil {
		return nil, errors.New("index keys must not be nil")
	}
	if err := checkOrdered(keys, "index keys"); err != nil {
		return nil, err
	}
	doc, err := enc.Marshal(keys)
	if err != nil {
		return nil, fmt.Errorf("index keys: %w", err)
	}
	if len(doc) <= 5 {
		return nil, errors.New("index keys are empty: name at least one field")
	}
	return doc, nil
}

// IndexName returns the default name of an index on keys: every key and
// its value joined by "_", as the official drivers do ({a: 1, b: -1} is
// "a_1_b_-1", {title: "text"} is "title_text").
func IndexName(keys bson.Raw) (string, error) {
	var b strings.Builder
	for k, v := range keys.All() {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		b.WriteString(k)
		b.WriteByte('_')
		switch v.Type {
		case bson.TypeInt32, bson.TypeInt64:
			n, _ := v.AsInt64()
			b.WriteString(strconv.FormatInt(n, 10))
		case bson.TypeDouble:
			f, _ := v.Double()
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		case bson.TypeString:
			s, _ := v.StringValue()
			b.WriteString(s)
		default:
			return "", fmt.Errorf("index key %q has a %s value: use 1, -1 or an index type such as \"text\"", k, v.Type)
		}
	}
	if b.Len() == 0 {
		return "", errors.New("index keys are empty")
	}
	return b.String(), nil
}

// List returns a cursor over the collection's index documents (decode
// them into IndexSpecification). A collection that does not exist has no
// indexes: the cursor is empty.
func (iv IndexView) List(ctx context.Context, opts ...ListIndexesOptions) (*Cursor, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	c := iv.coll
	spec := &cursorSpec{name: "listIndexes", db: c.db.name, kind: driver.Read, retryable: true,
		rp: ReadPref{Mode: topology.Primary}, batchSize: o.BatchSize, maxTime: o.MaxTime, comment: o.Comment, enc: c.enc, dec: c.dec,
		build: func(dst []byte) ([]byte, error) {
			dst = bson.AppendStringElement(dst, "listIndexes", c.name)
			dst = appendCursorDoc(dst, o.BatchSize)
			return appendValue(dst, c.enc, "comment", o.Comment)
		}}
	spec.timeout = c.timeout
	cur, err := c.client().openCursor(ctx, spec)
	var ce *CommandError
	if errors.As(err, &ce) && ce.Code == 26 { // NamespaceNotFound
		return &Cursor{client: c.client(), spec: spec}, nil
	}
	return cur, err
}

// ListSpecifications returns every index of the collection, decoded.
func (iv IndexView) ListSpecifications(ctx context.Context, opts ...ListIndexesOptions) ([]IndexSpecification, error) {
	cur, err := iv.List(ctx, opts...)
	if err != nil {
		return nil, err
	}
	var specs []IndexSpecification
	if err := cur.All(ctx, &specs); err != nil {
		return nil, err
	}
	return specs, nil
}

// DropOne drops the index named name. "*" is refused: use DropAll.
func (iv IndexView) DropOne(ctx context.Context, name string, opts ...DropIndexesOptions) error {
	switch name {
	case "":
		return errors.New("client: DropOne needs an index name")
	case "*":
		return errors.New("client: DropOne(\"*\") would drop every index: use DropAll")
	}
	return iv.drop(ctx, name, opts)
}

// DropAll drops every index of the collection except the one on _id.
func (iv IndexView) DropAll(ctx context.Context, opts ...DropIndexesOptions) error {
	return iv.drop(ctx, "*", opts)
}

// DropWithKey drops the index whose key pattern is keys (an ordered
// document: bson.D, bson.Raw or a struct; a map only with one key), for
// an index whose name is not known.
func (iv IndexView) DropWithKey(ctx context.Context, keys any, opts ...DropIndexesOptions) error {
	doc, err := indexKeys(iv.coll.enc, keys)
	if err != nil {
		return fmt.Errorf("client: DropWithKey: %w", err)
	}
	return iv.drop(ctx, doc, opts)
}

// drop runs dropIndexes; index is a name ("*" for all) or a key pattern.
func (iv IndexView) drop(ctx context.Context, index any, opts []DropIndexesOptions) error {
	o, err := single(opts)
	if err != nil {
		return err
	}
	c := iv.coll
	op := &driver.Operation{Name: "dropIndexes", DB: c.db.name, Kind: driver.Command, WriteConcern: c.wc, MaxTime: o.MaxTime,
		WritesData: true,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			dst = bson.AppendStringElement(dst, "dropIndexes", c.name)
			switch ix := index.(type) {
			case string:
				dst = bson.AppendStringElement(dst, "index", ix)
			case bson.Raw:
				dst = bson.AppendDocumentElement(dst, "index", ix)
			}
			return appendValue(dst, c.enc, "comment", o.Comment)
		}}
	return c.execute(ctx, op)
}
