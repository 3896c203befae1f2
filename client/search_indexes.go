package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/topology"
)

// SearchIndexView manages the Atlas Search and Atlas Vector Search
// indexes of one collection (the index-management specification's search
// index API): createSearchIndexes, the $listSearchIndexes stage,
// updateSearchIndex and dropSearchIndex. These commands exist on Atlas
// and on local Atlas deployments (MongoDB 7.0+); other servers refuse
// them, and their error is returned as it is. No read or write concern
// is sent with them. Get one with Collection.SearchIndexes; it is a small
// value, safe for concurrent use.
type SearchIndexView struct {
	coll *Collection
}

// SearchIndexes returns the view of the collection's search indexes. No
// I/O.
func (c *Collection) SearchIndexes() SearchIndexView { return SearchIndexView{coll: c} }

// SearchIndexModel describes one search index to create.
type SearchIndexModel struct {
	// Definition is the index definition document ({mappings: {dynamic:
	// true}}, or for vector search {fields: [{type: "vector", path,
	// numDimensions, similarity}]}); required.
	Definition any
	// Name is the index's name (empty: the server's, "default").
	Name string
	// Type is "search" or "vectorSearch" (empty: the server's, search).
	Type string
}

// ListSearchIndexesOptions are the options of SearchIndexView.List.
type ListSearchIndexesOptions struct {
	// Name lists only the index of that name.
	Name string
	// Aggregate are the options of the aggregate that lists them
	// (BatchSize, MaxTime, Comment ...).
	Aggregate AggregateOptions
}

// CreateOne creates one search index and returns its name.
func (v SearchIndexView) CreateOne(ctx context.Context, model SearchIndexModel) (string, error) {
	names, err := v.CreateMany(ctx, []SearchIndexModel{model})
	if err != nil {
		return "", err
	}
	if len(names) != 1 {
		return "", fmt.Errorf("client: createSearchIndexes created %d indexes for one model", len(names))
	}
	return names[0], nil
}

// CreateMany creates the search indexes in one createSearchIndexes
// command and returns their names, in order (the server builds them in
// the background: List shows when each is queryable). An empty models
// is sent as it is.
func (v SearchIndexView) CreateMany(ctx context.Context, models []SearchIndexModel) ([]string, error) {
	start, indexes := bson.AppendArrayElementStart(nil, "indexes")
	for i, m := range models {
		var err error
		if indexes, err = appendSearchIndexModel(indexes, v.coll.enc, bson.ArrayKey(i), &m); err != nil {
			return nil, fmt.Errorf("client: search index model %d: %w", i, err)
		}
	}
	indexes, err := bson.AppendDocumentEnd(indexes, start)
	if err != nil {
		return nil, err
	}
	var names []string
	c := v.coll
	op := &driver.Operation{Name: "createSearchIndexes", DB: c.db.name, Kind: driver.Command,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			dst = bson.AppendStringElement(dst, "createSearchIndexes", c.name)
			return append(dst, indexes...), nil
		},
		Handle: func(r *driver.Reply) error {
			names = names[:0]
			created, _ := r.Doc.Lookup("indexesCreated").Array()
			for _, e := range created.All() {
				d, _ := e.Document()
				name, ok := d.Lookup("name").StringValue()
				if !ok {
					return errors.New("client: createSearchIndexes reply has an index without a name")
				}
				names = append(names, name)
			}
			return nil
		}}
	if err := c.execute(ctx, op); err != nil {
		return nil, err
	}
	return names, nil
}

// appendSearchIndexModel appends {definition, name, type} under key.
func appendSearchIndexModel(dst []byte, enc *bson.Encoder, key string, m *SearchIndexModel) ([]byte, error) {
	start, dst := bson.AppendDocumentElementStart(dst, key)
	dst, err := appendDoc(dst, enc, "definition", m.Definition, "definition")
	if err != nil {
		return dst, err
	}
	if m.Name != "" {
		dst = bson.AppendStringElement(dst, "name", m.Name)
	}
	if m.Type != "" {
		dst = bson.AppendStringElement(dst, "type", m.Type)
	}
	return bson.AppendDocumentEnd(dst, start)
}

// List returns a cursor over the collection's search indexes ({id, name,
// type, status, queryable, latestDefinition ...}): an aggregate with the
// $listSearchIndexes stage, on the collection's read preference.
func (v SearchIndexView) List(ctx context.Context, opts ...ListSearchIndexesOptions) (*Cursor, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	stage := bson.D{}
	if o.Name != "" {
		stage = bson.D{bson.KV("name", o.Name)}
	}
	c := v.coll
	pipeline := bson.A{bson.D{bson.KV("$listSearchIndexes", stage)}}
	return aggregate(ctx, c.client(), c.codecs(), c.db.name, c.name, c.rp, ReadConcern{}, WriteConcern{}, c.timeout, pipeline,
		[]AggregateOptions{o.Aggregate})
}

// UpdateOne replaces the definition of the search index name.
func (v SearchIndexView) UpdateOne(ctx context.Context, name string, definition any) error {
	if name == "" {
		return errors.New("client: SearchIndexView.UpdateOne needs an index name")
	}
	def, err := appendDoc(nil, v.coll.enc, "definition", definition, "definition")
	if err != nil {
		return err
	}
	return v.run(ctx, "updateSearchIndex", func(dst []byte) []byte {
		dst = bson.AppendStringElement(dst, "name", name)
		return append(dst, def...)
	})
}

// DropOne drops the search index name; a collection that does not exist
// is no error (the specification's rule).
func (v SearchIndexView) DropOne(ctx context.Context, name string) error {
	if name == "" {
		return errors.New("client: SearchIndexView.DropOne needs an index name")
	}
	err := v.run(ctx, "dropSearchIndex", func(dst []byte) []byte {
		return bson.AppendStringElement(dst, "name", name)
	})
	var ce *CommandError
	if errors.As(err, &ce) && ce.Code == 26 { // NamespaceNotFound
		return nil
	}
	return err
}

// run runs {cmd: coll, ...} with no concern.
func (v SearchIndexView) run(ctx context.Context, cmd string, build func(dst []byte) []byte) error {
	c := v.coll
	op := &driver.Operation{Name: cmd, DB: c.db.name, Kind: driver.Command,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			return build(bson.AppendStringElement(dst, cmd, c.name)), nil
		}}
	return c.execute(ctx, op)
}
