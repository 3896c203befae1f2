package client_test

// Options.Encoder reaches every value of the user's that the client
// encodes: each case below puts a value of a type that only the
// registry's codec can encode (dir, cents, tagID) in one argument or
// option, and checks the command as it was sent (the command monitor's
// copy) for the codec's output at that place. The server is an
// in-process mongotest replica set (change streams need one); where it
// answers, a few cases also check what it did with the values.

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
	"github.com/torque-go/torque/mongotest"
)

// dir is a sort direction as an application may name it; its codec
// writes 1 or -1. Without the codec it is a string, which no server
// takes for a direction.
type dir string

const (
	asc  dir = "asc"
	desc dir = "desc"
)

// pathsRegistry is centsRegistry with dir's codec.
func pathsRegistry() *bson.Registry {
	reg := centsRegistry()
	bson.RegisterCodec(reg, bson.Codec[dir]{
		Encode: func(dst []byte, d dir) (bson.Type, []byte, error) {
			switch d {
			case asc:
				return bson.TypeInt32, bson.AppendInt32(dst, 1), nil
			case desc:
				return bson.TypeInt32, bson.AppendInt32(dst, -1), nil
			}
			return 0, dst, errors.New("direction " + string(d))
		},
		Decode: func(v bson.RawValue, d *dir) error {
			n, _ := v.AsInt64()
			*d = map[int64]dir{1: asc, -1: desc}[n]
			return nil
		},
	})
	return reg
}

// sentCommands records the commands a client sends, by name.
type sentCommands struct {
	mu   sync.Mutex
	cmds map[string]bson.Raw
}

func (s *sentCommands) started(e client.CommandStartedEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cmds[e.CommandName] = bytes.Clone(e.Command)
}

// last returns the last command name sent, and forgets it.
func (s *sentCommands) last(name string) bson.Raw {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := s.cmds[name]
	delete(s.cmds, name)
	return cmd
}

// Values whose encoding only the codecs know, and what they become.
var (
	price     = cents{1250}
	priceJSON = `{"$numberDecimal":"12.50"}`
	note      = cents{1} // a comment
	noteJSON  = `{"$numberDecimal":"0.01"}`
	tagA      = tagID{0: 0xa}
	tagAJSON  = `{"$binary":{"base64":"CgAAAAAAAAAAAAAAAAAAAA==","subType":"04"}}`
)

// encoderCase is one path: run sends the command cmd, in which each
// dotted path of want holds the extended JSON of want's value.
type encoderCase struct {
	name, cmd string
	run       func(ctx context.Context) error
	want      map[string]string
	refused   bool // the server may refuse the command (not what is tested)
}

func TestClientEncoderEveryPath(t *testing.T) {
	ctx := testContext(t)
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	sent := &sentCommands{cmds: map[string]bson.Raw{}}
	reg := pathsRegistry()
	c := connect(t, rs.URI(), client.Options{Encoder: bson.Encoder{Registry: reg}, Decoder: bson.Decoder{Registry: reg},
		Monitor: client.MonitorFuncs{OnStarted: sent.started}})
	db := c.Database("enc")
	coll := db.Collection("prices")
	if _, err := coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: bson.D{bson.KV("price", desc)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertMany(ctx, []any{priced{ID: tagA, Price: price}, priced{ID: tagID{0: 0xb}, Price: cents{99}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range collectionCases(coll) {
		runEncoderCase(t, ctx, sent, "Collection."+tc.name, tc)
	}
	for _, tc := range databaseCases(db) {
		runEncoderCase(t, ctx, sent, "Database."+tc.name, tc)
	}
	for _, tc := range clientCases(c) {
		runEncoderCase(t, ctx, sent, "Client."+tc.name, tc)
	}
}

func runEncoderCase(t *testing.T, ctx context.Context, sent *sentCommands, name string, tc encoderCase) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		err := tc.run(ctx)
		if err != nil && !tc.refused {
			t.Fatal(err)
		}
		cmd := sent.last(tc.cmd)
		if cmd == nil {
			t.Fatalf("no %s command sent (error %v)", tc.cmd, err)
		}
		for path, want := range tc.want {
			v, lerr := cmd.LookupErr(strings.Split(path, ".")...)
			if lerr != nil || v.String() != want {
				t.Errorf("%s: %s is %s (%v), want %s\n  command %s", tc.cmd, path, v, lerr, want, cmd)
			}
		}
	})
}

func sortD(v any) bson.D    { return bson.D{bson.KV("price", v)} }
func filterD(v any) bson.D  { return bson.D{bson.KV("price", v)} }
func setPrice(v any) bson.D { return bson.D{bson.KV("$set", bson.D{bson.KV("price", v)})} }

// collectionCases are the paths of Collection's methods.
func collectionCases(coll *client.Collection) []encoderCase {
	all := func(cur *client.Cursor, err error) error {
		if err != nil {
			return err
		}
		var out []bson.Raw
		return cur.All(context.Background(), &out)
	}
	letD := bson.D{bson.KV("p", price)}
	return []encoderCase{
		{name: "Find", cmd: "find", run: func(ctx context.Context) error {
			return all(coll.Find(ctx, filterD(price), client.FindOptions{Sort: sortD(desc), Projection: bson.D{bson.KV("price", asc)},
				Hint: sortD(desc), Let: letD, Comment: note}))
		}, want: map[string]string{"filter.price": priceJSON, "sort.price": "-1", "projection.price": "1", "hint.price": "-1",
			"let.p": priceJSON, "comment": noteJSON}},
		{name: "Find min max", cmd: "find", run: func(ctx context.Context) error {
			return all(coll.Find(ctx, bson.D{}, client.FindOptions{Hint: sortD(desc), Min: sortD(price), Max: sortD(cents{99999})}))
		}, want: map[string]string{"min.price": priceJSON, "max.price": `{"$numberDecimal":"999.99"}`}, refused: true}, // mongotest: no min
		{name: "FindOne", cmd: "find", run: func(ctx context.Context) error {
			return coll.FindOne(ctx, bson.D{bson.KV("_id", tagA)}, client.FindOneOptions{Sort: sortD(asc), Let: letD, Comment: note}).Err()
		}, want: map[string]string{"filter._id": tagAJSON, "sort.price": "1", "let.p": priceJSON, "comment": noteJSON}},
		{name: "Cursor getMore comment", cmd: "getMore", run: func(ctx context.Context) error {
			return all(coll.Find(ctx, bson.D{}, client.FindOptions{BatchSize: 1, Comment: note}))
		}, want: map[string]string{"comment": noteJSON}},
		{name: "FindOneAndUpdate", cmd: "findAndModify", run: func(ctx context.Context) error {
			return coll.FindOneAndUpdate(ctx, filterD(price), bson.D{bson.KV("$set", bson.D{bson.KV("tags.$[t]", "x")})},
				client.FindOneAndUpdateOptions{Sort: sortD(desc), Projection: bson.D{bson.KV("price", asc)},
					ArrayFilters: []any{bson.D{bson.KV("t", price)}}, Hint: sortD(desc), Let: letD, Comment: note}).Err()
		}, want: map[string]string{"query.price": priceJSON, "sort.price": "-1", "fields.price": "1", "arrayFilters.0.t": priceJSON,
			"hint.price": "-1", "let.p": priceJSON, "comment": noteJSON}, refused: true}, // tags is null
		{name: "FindOneAndReplace", cmd: "findAndModify", run: func(ctx context.Context) error {
			return coll.FindOneAndReplace(ctx, filterD(price), priced{ID: tagA, Price: price}).Err()
		}, want: map[string]string{"query.price": priceJSON, "update._id": tagAJSON, "update.price": priceJSON}},
		{name: "FindOneAndDelete", cmd: "findAndModify", run: func(ctx context.Context) error {
			return coll.FindOneAndDelete(ctx, filterD(cents{1}), client.FindOneAndDeleteOptions{Sort: sortD(asc), Comment: note}).Err()
		}, want: map[string]string{"query.price": `{"$numberDecimal":"0.01"}`, "sort.price": "1", "comment": noteJSON}, refused: true},
		{name: "InsertOne", cmd: "insert", run: func(ctx context.Context) error {
			_, err := coll.InsertOne(ctx, priced{ID: tagID{0: 0xc}, Price: cents{5}}, client.InsertOneOptions{Comment: note})
			return err
		}, want: map[string]string{"documents.0.price": `{"$numberDecimal":"0.05"}`, "comment": noteJSON}},
		{name: "UpdateOne", cmd: "update", run: func(ctx context.Context) error {
			_, err := coll.UpdateOne(ctx, filterD(cents{5}), setPrice(cents{6}), client.UpdateOptions{Sort: sortD(desc),
				Hint: sortD(desc), ArrayFilters: []any{bson.D{bson.KV("t", price)}}, Let: letD, Comment: note})
			return err
		}, want: map[string]string{"updates.0.q.price": `{"$numberDecimal":"0.05"}`, "updates.0.u.$set.price": `{"$numberDecimal":"0.06"}`,
			"updates.0.sort.price": "-1", "updates.0.hint.price": "-1", "updates.0.arrayFilters.0.t": priceJSON,
			"let.p": priceJSON, "comment": noteJSON}, refused: true},
		{name: "UpdateMany pipeline", cmd: "update", run: func(ctx context.Context) error {
			_, err := coll.UpdateMany(ctx, filterD(cents{6}), []bson.D{setPrice(cents{7})})
			return err
		}, want: map[string]string{"updates.0.u.0.$set.price": `{"$numberDecimal":"0.07"}`}},
		{name: "ReplaceOne", cmd: "update", run: func(ctx context.Context) error {
			_, err := coll.ReplaceOne(ctx, filterD(cents{7}), priced{ID: tagID{0: 0xc}, Price: cents{8}},
				client.ReplaceOptions{Sort: sortD(asc), Hint: sortD(desc), Let: letD, Comment: note})
			return err
		}, want: map[string]string{"updates.0.u.price": `{"$numberDecimal":"0.08"}`, "updates.0.sort.price": "1",
			"updates.0.hint.price": "-1", "let.p": priceJSON, "comment": noteJSON}},
		{name: "DeleteOne", cmd: "delete", run: func(ctx context.Context) error {
			_, err := coll.DeleteOne(ctx, filterD(cents{8}), client.DeleteOptions{Hint: sortD(desc), Let: letD, Comment: note})
			return err
		}, want: map[string]string{"deletes.0.q.price": `{"$numberDecimal":"0.08"}`, "deletes.0.hint.price": "-1",
			"let.p": priceJSON, "comment": noteJSON}},
		{name: "Aggregate", cmd: "aggregate", run: func(ctx context.Context) error {
			return all(coll.Aggregate(ctx, []bson.D{{bson.KV("$match", filterD(price))}, {bson.KV("$sort", sortD(desc))}},
				client.AggregateOptions{Hint: sortD(desc), Let: letD, Comment: note}))
		}, want: map[string]string{"pipeline.0.$match.price": priceJSON, "pipeline.1.$sort.price": "-1", "hint.price": "-1",
			"let.p": priceJSON, "comment": noteJSON}},
		{name: "CountDocuments", cmd: "aggregate", run: func(ctx context.Context) error {
			_, err := coll.CountDocuments(ctx, filterD(price), client.CountOptions{Hint: sortD(desc), Comment: note})
			return err
		}, want: map[string]string{"pipeline.0.$match.price": priceJSON, "hint.price": "-1", "comment": noteJSON}},
		{name: "EstimatedDocumentCount", cmd: "count", run: func(ctx context.Context) error {
			_, err := coll.EstimatedDocumentCount(ctx, client.EstimatedCountOptions{Comment: note})
			return err
		}, want: map[string]string{"comment": noteJSON}},
		{name: "Distinct", cmd: "distinct", run: func(ctx context.Context) error {
			_, err := coll.Distinct(ctx, "tags", filterD(price), client.DistinctOptions{Hint: sortD(desc), Comment: note})
			return err
		}, want: map[string]string{"query.price": priceJSON, "hint.price": "-1", "comment": noteJSON}},
		{name: "BulkWrite", cmd: "update", run: func(ctx context.Context) error {
			_, err := coll.BulkWrite(ctx, []client.WriteModel{
				client.UpdateOneModel{Filter: filterD(price), Update: setPrice(price), Sort: sortD(desc), Hint: sortD(desc),
					ArrayFilters: []any{bson.D{bson.KV("t", price)}}},
			}, client.BulkWriteOptions{Let: letD, Comment: note})
			return err
		}, want: map[string]string{"updates.0.q.price": priceJSON, "updates.0.u.$set.price": priceJSON, "updates.0.sort.price": "-1",
			"updates.0.hint.price": "-1", "updates.0.arrayFilters.0.t": priceJSON, "let.p": priceJSON, "comment": noteJSON},
			refused: true},
		{name: "BulkWrite insert and delete", cmd: "delete", run: func(ctx context.Context) error {
			_, err := coll.BulkWrite(ctx, []client.WriteModel{
				&client.InsertOneModel{Document: priced{ID: tagID{0: 0xd}, Price: cents{9}}},
				client.DeleteManyModel{Filter: filterD(cents{9}), Hint: sortD(desc)},
			})
			return err
		}, want: map[string]string{"deletes.0.q.price": `{"$numberDecimal":"0.09"}`, "deletes.0.hint.price": "-1"}},
		{name: "Indexes CreateOne", cmd: "createIndexes", run: func(ctx context.Context) error {
			_, err := coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: bson.D{bson.KV("tags", asc), bson.KV("price", desc)},
				Options: client.IndexOptions{PartialFilterExpression: bson.D{bson.KV("price", bson.D{bson.KV("$gt", cents{1})})}}},
				client.CreateIndexesOptions{Comment: note})
			return err
		}, want: map[string]string{"indexes.0.key.tags": "1", "indexes.0.key.price": "-1", "indexes.0.name": `"tags_1_price_-1"`,
			"indexes.0.partialFilterExpression.price.$gt": noteJSON, "comment": noteJSON}},
		{name: "Indexes List", cmd: "listIndexes", run: func(ctx context.Context) error {
			return all(coll.Indexes().List(ctx, client.ListIndexesOptions{Comment: note}))
		}, want: map[string]string{"comment": noteJSON}},
		{name: "Indexes DropWithKey", cmd: "dropIndexes", run: func(ctx context.Context) error {
			return coll.Indexes().DropWithKey(ctx, bson.D{bson.KV("tags", asc), bson.KV("price", desc)}, client.DropIndexesOptions{Comment: note})
		}, want: map[string]string{"index.tags": "1", "index.price": "-1", "comment": noteJSON}},
		{name: "SearchIndexes CreateOne", cmd: "createSearchIndexes", run: func(ctx context.Context) error {
			_, err := coll.SearchIndexes().CreateOne(ctx, client.SearchIndexModel{Definition: bson.D{bson.KV("boost", price)}})
			return err
		}, want: map[string]string{"indexes.0.definition.boost": priceJSON}, refused: true},
		{name: "Watch", cmd: "aggregate", run: func(ctx context.Context) error {
			cs, err := coll.Watch(ctx, []bson.D{{bson.KV("$match", bson.D{bson.KV("fullDocument", filterD(price))})}},
				client.ChangeStreamOptions{Comment: note})
			if err == nil {
				err = cs.Close(ctx)
			}
			return err
		}, want: map[string]string{"pipeline.1.$match.fullDocument.price": priceJSON, "comment": noteJSON}},
		{name: "GridFS", cmd: "insert", run: func(ctx context.Context) error {
			b, err := gridfs.NewBucket(coll.Database())
			if err != nil {
				return err
			}
			return b.UploadFromStreamWithID(ctx, tagA, "f", strings.NewReader("x"), gridfs.UploadOptions{Metadata: filterD(price)})
		}, want: map[string]string{"documents.0._id": tagAJSON, "documents.0.metadata.price": priceJSON}},
	}
}

// databaseCases are the paths of Database's methods.
func databaseCases(db *client.Database) []encoderCase {
	all := func(cur *client.Cursor, err error) error {
		if err != nil {
			return err
		}
		var out []bson.Raw
		return cur.All(context.Background(), &out)
	}
	return []encoderCase{
		{name: "RunCommand", cmd: "count", run: func(ctx context.Context) error {
			return db.RunCommand(ctx, bson.D{bson.KV("count", "prices"), bson.KV("query", filterD(price))}).Err()
		}, want: map[string]string{"query.price": priceJSON}},
		{name: "RunCommandCursor", cmd: "find", run: func(ctx context.Context) error {
			return all(db.RunCommandCursor(ctx, bson.D{bson.KV("find", "prices"), bson.KV("filter", filterD(price)),
				bson.KV("batchSize", 1)}, client.RunCommandCursorOptions{Comment: note}))
		}, want: map[string]string{"filter.price": priceJSON}},
		{name: "Aggregate", cmd: "aggregate", run: func(ctx context.Context) error {
			return all(db.Aggregate(ctx, bson.A{bson.D{bson.KV("$documents", bson.A{filterD(price)})}},
				client.AggregateOptions{Comment: note}))
		}, want: map[string]string{"pipeline.0.$documents.0.price": priceJSON, "comment": noteJSON}, refused: true},
		{name: "ListCollections", cmd: "listCollections", run: func(ctx context.Context) error {
			return all(db.ListCollections(ctx, bson.D{bson.KV("name", bson.D{bson.KV("$ne", tagA)})},
				client.ListCollectionsOptions{Comment: note}))
		}, want: map[string]string{"filter.name.$ne": tagAJSON, "comment": noteJSON}},
		{name: "CreateCollection", cmd: "create", run: func(ctx context.Context) error {
			return db.CreateCollection(ctx, "validated", client.CreateCollectionOptions{
				Validator: bson.D{bson.KV("price", bson.D{bson.KV("$gte", note)})}})
		}, want: map[string]string{"validator.price.$gte": noteJSON}},
		{name: "CreateView", cmd: "create", run: func(ctx context.Context) error {
			return db.CreateView(ctx, "dear", "prices", []bson.D{{bson.KV("$match", filterD(price))}})
		}, want: map[string]string{"pipeline.0.$match.price": priceJSON}},
		{name: "Watch", cmd: "aggregate", run: func(ctx context.Context) error {
			cs, err := db.Watch(ctx, []bson.D{{bson.KV("$match", bson.D{bson.KV("fullDocument", filterD(price))})}})
			if err == nil {
				err = cs.Close(ctx)
			}
			return err
		}, want: map[string]string{"pipeline.1.$match.fullDocument.price": priceJSON}},
	}
}

// clientCases are the paths of Client's methods.
func clientCases(c *client.Client) []encoderCase {
	return []encoderCase{
		{name: "ListDatabases", cmd: "listDatabases", run: func(ctx context.Context) error {
			_, err := c.ListDatabases(ctx, bson.D{bson.KV("name", bson.D{bson.KV("$ne", tagA)})}, client.ListDatabasesOptions{Comment: note})
			return err
		}, want: map[string]string{"filter.name.$ne": tagAJSON, "comment": noteJSON}},
		{name: "BulkWrite", cmd: "bulkWrite", run: func(ctx context.Context) error {
			_, err := c.BulkWrite(ctx, []client.ClientWriteModel{
				{Database: "enc", Collection: "prices", Model: client.UpdateOneModel{Filter: filterD(price), Update: setPrice(price),
					Sort: sortD(desc), Hint: sortD(desc)}},
				{Database: "enc", Collection: "prices", Model: client.DeleteOneModel{Filter: filterD(cents{99999}), Hint: sortD(desc)}},
			}, client.ClientBulkWriteOptions{Let: bson.D{bson.KV("p", price)}, Comment: note})
			return err
		}, want: map[string]string{"ops.0.filter.price": priceJSON, "ops.0.updateMods.$set.price": priceJSON, "ops.0.sort.price": "-1",
			"ops.0.hint.price": "-1", "ops.1.filter.price": `{"$numberDecimal":"999.99"}`, "let.p": priceJSON, "comment": noteJSON},
			refused: true},
		{name: "Watch", cmd: "aggregate", run: func(ctx context.Context) error {
			cs, err := c.Watch(ctx, []bson.D{{bson.KV("$match", bson.D{bson.KV("fullDocument", filterD(price))})}},
				client.ChangeStreamOptions{Comment: note})
			if err == nil {
				err = cs.Close(ctx)
			}
			return err
		}, want: map[string]string{"pipeline.1.$match.fullDocument.price": priceJSON, "comment": noteJSON}},
	}
}

// TestClientEncoderOptionsServer checks against mongotest what the server
// makes of options encoded by the codecs: a sort and a hint by dir, a let
// variable and a filter by cents.
func TestClientEncoderOptionsServer(t *testing.T) {
	ctx := testContext(t)
	reg := pathsRegistry()
	c := connect(t, mongotest.New(t).URI(), client.Options{Encoder: bson.Encoder{Registry: reg}, Decoder: bson.Decoder{Registry: reg}})
	coll := c.Database("enc").Collection("prices")
	docs := []any{priced{ID: tagID{0: 1}, Price: cents{300}}, priced{ID: tagID{0: 2}, Price: cents{100}}, priced{ID: tagID{0: 3}, Price: cents{200}}}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: sortD(desc)}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []dir{asc, desc} {
		cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{Sort: sortD(d), Hint: sortD(desc)})
		var got []priced
		if err == nil {
			err = cur.All(ctx, &got)
		}
		if err != nil || len(got) != 3 {
			t.Fatalf("Find sorted %s: %d documents, %v", d, len(got), err)
		}
		want := []int64{100, 200, 300}
		if d == desc {
			want = []int64{300, 200, 100}
		}
		for i, p := range got {
			if p.Price.n != want[i] {
				t.Errorf("sorted %s: document %d costs %d, want %d", d, i, p.Price.n, want[i])
			}
		}
	}
	expr := bson.D{bson.KV("$expr", bson.D{bson.KV("$gte", bson.A{"$price", "$$min"})})}
	n := 0
	cur, err := coll.Aggregate(ctx, []bson.D{{bson.KV("$match", expr)}}, client.AggregateOptions{Let: bson.D{bson.KV("min", cents{200})}})
	for err == nil && cur.Next(ctx) {
		n++
	}
	if err == nil {
		err = cur.Err()
	}
	if err != nil || n != 2 {
		t.Errorf("aggregate with let min: 2.00: %d documents, %v", n, err)
	}
}
