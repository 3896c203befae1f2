package unified

import (
	"context"
	"fmt"
	"slices"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/topology"
)

// The operations of the index-management, collection-management and
// run-command suites, and the client and database listings the
// retryable-reads suite runs.

// databaseOps are the operations on database entities, by name.
var databaseOps = map[string]func(context.Context, *client.Database, *args) outcome{
	"aggregate":           aggregateDB,
	"createCollection":    createCollection,
	"dropCollection":      dropCollection,
	"runCommand":          runCommand,
	"listCollections":     listCollections,
	"listCollectionNames": listCollectionNames,
	// Objects: the spec's optional typed variants; the results are the
	// same documents.
	"listCollectionObjects": listCollections,
	"createChangeStream":    watchDatabase,
	"dropDatabase":          dropDatabase,
	"runCursorCommand":      runCursorCommand,
	"createCommandCursor":   createCommandCursor,
	"modifyCollection":      modifyCollection,
}

// clientOps are the operations on client entities, by name.
var clientOps = map[string]func(context.Context, *client.Client, *args) outcome{
	"listDatabases":       listDatabases,
	"listDatabaseNames":   listDatabaseNames,
	"listDatabaseObjects": listDatabases,
	"createChangeStream":  watchClient,
	"dropDatabase":        dropDatabaseOfClient,
	"clientBulkWrite":     clientBulkWrite,
	"close":               closeClient,
}

func dropCollection(ctx context.Context, db *client.Database, a *args) outcome {
	coll := a.str("collection")
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return outcome{err: db.Collection(coll).Drop(ctx)}
}

func dropDatabase(ctx context.Context, db *client.Database, a *args) outcome {
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return outcome{err: db.Drop(ctx)}
}

// dropDatabaseOfClient is the client's dropDatabase(database).
func dropDatabaseOfClient(ctx context.Context, c *client.Client, a *args) outcome {
	name := a.str("database")
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return outcome{err: c.Database(name).Drop(ctx)}
}

// rename renames a collection with the renameCollection command on admin,
// as a driver's rename helper does (torque has none).
func rename(ctx context.Context, c *collEntity, a *args) outcome {
	to := a.str("to")
	dropTarget := a.boolPtr("dropTarget")
	if bad := argErr(a); bad != nil {
		return *bad
	}
	db := c.Database().Name()
	cmd := bson.D{bson.KV("renameCollection", db+"."+c.Name()), bson.KV("to", db+"."+to)}
	if dropTarget != nil {
		cmd = append(cmd, bson.KV("dropTarget", *dropTarget))
	}
	return outcome{err: c.Database().Client().Database("admin").RunCommand(ctx, cmd).Err()}
}

// createCollection creates a collection (or, with viewOn, a view): the
// arguments CreateCollectionOptions has typed fields for go there, every
// other is a field of the create command, sent as given (Extra).
func createCollection(ctx context.Context, db *client.Database, a *args) outcome {
	name := a.str("collection")
	var o client.CreateCollectionOptions
	if err := typedCreateOptions(a, &o); err != nil { // create_options.go
		return outcome{err: err}
	}
	for k, v := range a.src.All() {
		if !a.used[k] {
			a.skip(k)
			o.Extra = append(o.Extra, bson.KV(k, v))
		}
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	if err := db.CreateCollection(ctx, name, o); err != nil {
		return outcome{err: err}
	}
	return outcome{coll: &collEntity{Collection: db.Collection(name)}} // saveResultAsEntity may keep it
}

func runCommand(ctx context.Context, db *client.Database, a *args) outcome {
	cmd := a.doc("command")
	a.skip("commandName") // the command document's first key names it
	var o client.RunCommandOptions
	if rp := a.doc("readPreference"); rp != nil {
		mode, _ := rp.Lookup("mode").StringValue()
		m, ok := topology.ParseMode(mode)
		if !ok {
			return outcome{err: fmt.Errorf("runner: readPreference: unknown mode %q", mode)}
		}
		o.ReadPreference = &client.ReadPref{Mode: m}
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	doc, err := db.RunCommand(ctx, cmd, o).Raw()
	if err != nil {
		return outcome{err: err}
	}
	return outcome{result: docValue(doc)}
}

func listCollections(ctx context.Context, db *client.Database, a *args) outcome {
	filter := a.docOrNil("filter")
	o := client.ListCollectionsOptions{BatchSize: int32(a.int64("batchSize")), Comment: a.value("comment")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	cur, err := db.ListCollections(ctx, filter, o)
	return drain(ctx, cur, err)
}

func listCollectionNames(ctx context.Context, db *client.Database, a *args) outcome {
	filter := a.docOrNil("filter")
	if bad := argErr(a); bad != nil {
		return *bad
	}
	names, err := db.ListCollectionNames(ctx, filter)
	return nameList(names, err)
}

func listDatabases(ctx context.Context, c *client.Client, a *args) outcome {
	filter := a.docOrNil("filter")
	if bad := argErr(a); bad != nil {
		return *bad
	}
	specs, err := c.ListDatabases(ctx, filter)
	if err != nil {
		return outcome{err: err}
	}
	arr := bson.A{}
	for _, s := range specs {
		arr = append(arr, s)
	}
	return result(arr)
}

func listDatabaseNames(ctx context.Context, c *client.Client, a *args) outcome {
	filter := a.docOrNil("filter")
	if bad := argErr(a); bad != nil {
		return *bad
	}
	names, err := c.ListDatabaseNames(ctx, filter)
	return nameList(names, err)
}

func listIndexes(ctx context.Context, c *collEntity, a *args) outcome {
	o := client.ListIndexesOptions{BatchSize: int32(a.int64("batchSize")), Comment: a.value("comment")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	cur, err := c.Indexes().List(ctx, o)
	return drain(ctx, cur, err)
}

func listIndexNames(ctx context.Context, c *collEntity, a *args) outcome {
	if bad := argErr(a); bad != nil {
		return *bad
	}
	specs, err := c.Indexes().ListSpecifications(ctx)
	names := make([]string, 0, len(specs))
	for _, s := range specs {
		names = append(names, s.Name)
	}
	return nameList(names, err)
}

func dropIndex(ctx context.Context, c *collEntity, a *args) outcome {
	name := a.str("name")
	o := client.DropIndexesOptions{MaxTime: a.millis("maxTimeMS")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return outcome{err: c.Indexes().DropOne(ctx, name, o)}
}

func dropIndexes(ctx context.Context, c *collEntity, a *args) outcome {
	o := client.DropIndexesOptions{MaxTime: a.millis("maxTimeMS")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return outcome{err: c.Indexes().DropAll(ctx, o)}
}

// nameList turns a list of names into an array result.
func nameList(names []string, err error) outcome {
	if err != nil {
		return outcome{err: err}
	}
	arr := bson.A{}
	for _, n := range names {
		arr = append(arr, n)
	}
	return result(arr)
}

// assertCollection runs the testRunner's assertCollectionExists and
// assertCollectionNotExists with the internal client.
func (r *run) assertCollection(ctx context.Context, a *args, want bool) error {
	db, name := a.str("databaseName"), a.str("collectionName")
	if err := a.done(); err != nil {
		return err
	}
	names, err := r.tg.internal.Database(db).ListCollectionNames(ctx, nil)
	if err != nil {
		return err
	}
	if slices.Contains(names, name) != want {
		return fmt.Errorf("collection %s.%s: exists is %v, want %v", db, name, !want, want)
	}
	return nil
}

// assertIndex runs assertIndexExists and assertIndexNotExists.
func (r *run) assertIndex(ctx context.Context, a *args, want bool) error {
	db, coll, name := a.str("databaseName"), a.str("collectionName"), a.str("indexName")
	if err := a.done(); err != nil {
		return err
	}
	specs, err := r.tg.internal.Database(db).Collection(coll).Indexes().ListSpecifications(ctx)
	if err != nil {
		return err
	}
	found := slices.ContainsFunc(specs, func(s client.IndexSpecification) bool { return s.Name == name })
	if found != want {
		return fmt.Errorf("index %s on %s.%s: exists is %v, want %v", name, db, coll, found, want)
	}
	return nil
}
