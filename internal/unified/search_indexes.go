package unified

import (
	"context"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// The index-management specification's search index operations,
// through Collection.SearchIndexes.

// searchIndexModel reads a {definition, name, type} model.
func searchIndexModel(doc bson.Raw) (client.SearchIndexModel, error) {
	m := newArgs(doc)
	out := client.SearchIndexModel{Definition: m.docOrNil("definition"), Name: m.str("name"), Type: m.str("type")}
	return out, m.done()
}

func createSearchIndex(ctx context.Context, c *collEntity, a *args) outcome {
	model, err := searchIndexModel(a.doc("model"))
	if err != nil {
		return outcome{err: err}
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	name, err := c.SearchIndexes().CreateOne(ctx, model)
	if err != nil {
		return outcome{err: err}
	}
	return result(name)
}

func createSearchIndexes(ctx context.Context, c *collEntity, a *args) outcome {
	models := []client.SearchIndexModel{}
	for _, v := range a.array("models").All() {
		d, _ := v.Document()
		m, err := searchIndexModel(d)
		if err != nil {
			return outcome{err: err}
		}
		models = append(models, m)
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	names, err := c.SearchIndexes().CreateMany(ctx, models)
	return nameList(names, err)
}

func listSearchIndexes(ctx context.Context, c *collEntity, a *args) outcome {
	o := client.ListSearchIndexesOptions{Name: a.str("name")}
	if d := a.doc("aggregationOptions"); d != nil {
		o.Aggregate = aggregateOptions(newArgs(d))
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	cur, err := c.SearchIndexes().List(ctx, o)
	return drain(ctx, cur, err)
}

func updateSearchIndex(ctx context.Context, c *collEntity, a *args) outcome {
	name, def := a.str("name"), a.docOrNil("definition")
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return outcome{err: c.SearchIndexes().UpdateOne(ctx, name, def)}
}

func dropSearchIndex(ctx context.Context, c *collEntity, a *args) outcome {
	name := a.str("name")
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return outcome{err: c.SearchIndexes().DropOne(ctx, name)}
}
