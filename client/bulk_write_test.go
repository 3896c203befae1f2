package client_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// findAllM returns the documents of coll, sorted by _id, as bson.M.
func findAllM(t *testing.T, coll *client.Collection) []bson.M {
	t.Helper()
	ctx := testContext(t)
	cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{Sort: bson.D{bson.KV("_id", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	var docs []bson.M
	if err := cur.All(ctx, &docs); err != nil {
		t.Fatal(err)
	}
	return docs
}

// Every kind of model in one ordered bulk write, against FerretDB: the
// counts, the upserted ids by model index, and the documents left.
func TestBulkWriteAllModels(t *testing.T) {
	coll := serverCollection(t)
	ctx := testContext(t)
	models := []client.WriteModel{
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 1), bson.KV("n", 1)}},
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 2), bson.KV("n", 2)}},
		&client.InsertOneModel{Document: bson.D{bson.KV("n", 3)}}, // a pointer works too; _id added
		// The upserts come first in their command: FerretDB v1.24 numbers
		// "upserted" entries among the upserts instead of among the
		// statements, so only there do both agree (the mock-server test
		// TestBulkWriteBatchSplitIndexes covers upserts further in).
		client.ReplaceOneModel{Filter: bson.D{bson.KV("_id", 9)}, Replacement: bson.D{bson.KV("n", 9)}, Upsert: true},
		client.UpdateOneModel{Filter: bson.D{bson.KV("_id", "u")}, Update: bson.D{bson.KV("$set", bson.D{bson.KV("n", 0)})}, Upsert: true},
		client.UpdateOneModel{Filter: bson.D{bson.KV("_id", 1)}, Update: bson.D{bson.KV("$set", bson.D{bson.KV("x", 1)})}},
		client.UpdateManyModel{Filter: bson.D{bson.KV("n", bson.D{bson.KV("$gte", 2)})},
			Update: bson.D{bson.KV("$inc", bson.D{bson.KV("n", 10)})}},
		client.DeleteOneModel{Filter: bson.D{bson.KV("_id", 2)}},
		client.DeleteManyModel{Filter: bson.D{bson.KV("n", bson.D{bson.KV("$gte", 9)})}},
	}
	res, err := coll.BulkWrite(ctx, models)
	if err != nil {
		t.Fatal(err)
	}
	generated, ok := res.InsertedIDs[2].(bson.ObjectID)
	if !ok || generated.IsZero() {
		t.Fatalf("InsertedIDs[2] = %#v, want the ObjectID added", res.InsertedIDs[2])
	}
	want := client.BulkWriteResult{
		InsertedCount: 3, MatchedCount: 4, ModifiedCount: 4, DeletedCount: 3, UpsertedCount: 2,
		UpsertedIDs:  map[int]any{3: int32(9), 4: "u"},
		InsertedIDs:  map[int]any{0: int32(1), 1: int32(2), 2: generated},
		Acknowledged: true,
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	// Model 6 added 10 to the n of 2, of the generated one and of 9;
	// model 7 deleted 2, model 8 the other two (n 13 and 19). Left: 1
	// (updated by model 5) and "u" (upserted by model 4).
	wantDocs := []bson.M{{"_id": int32(1), "n": int32(1), "x": int32(1)}, {"_id": "u", "n": int32(0)}}
	if diff := cmp.Diff(wantDocs, findAllM(t, coll)); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
}

// duplicateModels are five models whose third is a duplicate key:
// 0 insert 1, 1 delete 42, 2 insert 1 again, 3 insert 2, 4 update 1.
func duplicateModels() []client.WriteModel {
	return []client.WriteModel{
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 1)}},
		client.DeleteOneModel{Filter: bson.D{bson.KV("_id", 42)}},
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 1)}},
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 2)}},
		client.UpdateOneModel{Filter: bson.D{bson.KV("_id", 1)}, Update: bson.D{bson.KV("$set", bson.D{bson.KV("a", 1)})}},
	}
}

// An ordered bulk write stops at its first write error, and the error
// names the model, not the statement of its command.
func TestBulkWriteOrderedStopsAtFirstError(t *testing.T) {
	coll := serverCollection(t)
	res, err := coll.BulkWrite(testContext(t), duplicateModels())
	var we *client.WriteException
	if !errors.As(err, &we) {
		t.Fatalf("error = %v, want a *WriteException", err)
	}
	if len(we.WriteErrors) != 1 || we.WriteErrors[0].Index != 2 {
		t.Fatalf("write errors = %+v, want one, at model 2", we.WriteErrors)
	}
	if !client.IsDuplicateKey(err) {
		t.Errorf("IsDuplicateKey(%v) = false", err)
	}
	if res.InsertedCount != 1 || res.ModifiedCount != 0 {
		t.Errorf("inserted %d, modified %d; want 1, 0 (models 3 and 4 never ran)", res.InsertedCount, res.ModifiedCount)
	}
	if diff := cmp.Diff([]bson.M{{"_id": int32(1)}}, findAllM(t, coll)); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
}

// An unordered bulk write sends the inserts together (statements 0, 1, 2
// of one command are models 0, 2, 3), goes on after the duplicate, and
// still names model 2.
func TestBulkWriteUnorderedContinues(t *testing.T) {
	coll := serverCollection(t)
	res, err := coll.BulkWrite(testContext(t), duplicateModels(), client.BulkWriteOptions{Unordered: true})
	var we *client.WriteException
	if !errors.As(err, &we) {
		t.Fatalf("error = %v, want a *WriteException", err)
	}
	if len(we.WriteErrors) != 1 || we.WriteErrors[0].Index != 2 {
		t.Fatalf("write errors = %+v, want one, at model 2", we.WriteErrors)
	}
	if res.InsertedCount != 2 || res.MatchedCount != 1 || res.ModifiedCount != 1 || res.DeletedCount != 0 {
		t.Errorf("result = %+v, want 2 inserted, 1 matched and modified, 0 deleted", res)
	}
	want := []bson.M{{"_id": int32(1), "a": int32(1)}, {"_id": int32(2)}}
	if diff := cmp.Diff(want, findAllM(t, coll)); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
}

// commandNames lists the names of the commands srv received, hello and
// the handshake aside.
func commandNames(srv *mockserver.Server, names ...string) []string {
	var out []string
	for _, r := range srv.Log().Commands() {
		for _, n := range names {
			if r.Name == n {
				out = append(out, n)
			}
		}
	}
	return out
}

// Ordered, consecutive models of a kind share a command; unordered, all
// of a kind do.
func TestBulkWriteGrouping(t *testing.T) {
	models := []client.WriteModel{
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 1)}},
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 2)}},
		client.UpdateOneModel{Filter: bson.D{bson.KV("_id", 1)}, Update: bson.D{bson.KV("$set", bson.D{bson.KV("a", 1)})}},
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 3)}},
		client.DeleteOneModel{Filter: bson.D{bson.KV("_id", 2)}},
		client.DeleteManyModel{Filter: bson.D{bson.KV("_id", 3)}},
	}
	for _, tc := range []struct {
		name      string
		unordered bool
		commands  []string
		sizes     []int
	}{
		{"ordered", false, []string{"insert", "update", "insert", "delete"}, []int{2, 1, 1, 2}},
		{"unordered", true, []string{"insert", "update", "delete"}, []int{3, 1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, coll := mockCollection(t, mockserver.Options{})
			res, err := coll.BulkWrite(testContext(t), models, client.BulkWriteOptions{Unordered: tc.unordered})
			if err != nil {
				t.Fatal(err)
			}
			if res.InsertedCount != 3 || res.DeletedCount != 2 {
				t.Errorf("result = %+v, want 3 inserted, 2 deleted", res)
			}
			if got := commandNames(srv, "insert", "update", "delete"); !slicesEqual(got, tc.commands) {
				t.Fatalf("commands = %v, want %v", got, tc.commands)
			}
			var sizes []int
			seqs := map[string]string{"insert": "documents", "update": "updates", "delete": "deletes"}
			for _, r := range srv.Log().Commands() {
				if seq, ok := seqs[r.Name]; ok {
					sizes = append(sizes, len(r.Documents(seq)))
					if o, _ := r.Lookup("ordered").Boolean(); o == tc.unordered {
						t.Errorf("%s has ordered: %v", r.Name, o)
					}
				}
			}
			if !slicesEqual(sizes, tc.sizes) {
				t.Errorf("statements per command = %v, want %v", sizes, tc.sizes)
			}
		})
	}
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// arrayFilters, collation, hint and upsert reach the statements as given.
// FerretDB v1.24 does not implement arrayFilters (NotImplemented), so the
// mock server records the command instead. A run with an UpdateMany is
// not retryable: it carries no txnNumber.
func TestBulkWriteArrayFiltersAndOptions(t *testing.T) {
	srv, coll := mockCollection(t, mockserver.Options{})
	srv.Handle("update", func(req *mockserver.Request) mockserver.Reply {
		return mockserver.OK(bson.KV("n", int32(3)), bson.KV("nModified", int32(2)))
	})
	filters := []any{bson.D{bson.KV("e.x", bson.D{bson.KV("$gt", 1)})}}
	models := []client.WriteModel{
		client.UpdateOneModel{Filter: bson.D{bson.KV("_id", 1)},
			Update:       bson.D{bson.KV("$set", bson.D{bson.KV("items.$[e].y", 0)})},
			ArrayFilters: filters, Collation: &client.Collation{Locale: "fr", Strength: 2}, Hint: "k_1"},
		client.UpdateManyModel{Filter: bson.D{}, Update: bson.D{bson.KV("$set", bson.D{bson.KV("items.$[e].z", 0)})},
			ArrayFilters: filters, Upsert: true, Hint: bson.D{bson.KV("k", 1)}},
	}
	res, err := coll.BulkWrite(testContext(t), models, client.BulkWriteOptions{Comment: "bulk", Let: bson.D{bson.KV("v", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if res.MatchedCount != 3 || res.ModifiedCount != 2 {
		t.Errorf("result = %+v, want 3 matched, 2 modified", res)
	}
	updates := srv.CommandsNamed("update")
	if len(updates) != 1 {
		t.Fatalf("%d update commands, want 1", len(updates))
	}
	cmd := updates[0]
	if !cmd.Lookup("txnNumber").IsZero() {
		t.Errorf("a run with UpdateMany was sent with a txnNumber: %v", cmd.Command)
	}
	if s, _ := cmd.Lookup("comment").StringValue(); s != "bulk" {
		t.Errorf("comment = %v", cmd.Lookup("comment"))
	}
	if v, _ := cmd.Lookup("let", "v").AsInt64(); v != 1 {
		t.Errorf("let = %v", cmd.Lookup("let"))
	}
	stmts := cmd.Documents("updates")
	if len(stmts) != 2 {
		t.Fatalf("%d statements, want 2", len(stmts))
	}
	want := []string{
		`{"q": {"_id": 1}, "u": {"$set": {"items.$[e].y": 0}}, "arrayFilters": [{"e.x": {"$gt": 1}}], "collation": {"locale": "fr", "strength": 2}, "hint": "k_1"}`,
		`{"q": {}, "u": {"$set": {"items.$[e].z": 0}}, "upsert": true, "multi": true, "arrayFilters": [{"e.x": {"$gt": 1}}], "hint": {"k": 1}}`,
	}
	for i, s := range stmts {
		if got := normJSON(s.String()); got != normJSON(want[i]) {
			t.Errorf("statement %d = %s\nwant %s", i, got, want[i])
		}
	}
}

// normJSON removes the spaces of a relaxed Extended JSON string, so that
// the comparison does not depend on the printer's spacing.
func normJSON(s string) string { return strings.ReplaceAll(s, " ", "") }

// A run split over several commands by maxWriteBatchSize: the upserted
// indexes of each reply count from its own batch, and so do its write
// errors; both come back as model indexes. The ordered write stops after
// the batch with the error.
func TestBulkWriteBatchSplitIndexes(t *testing.T) {
	srv, coll := mockCollection(t, mockserver.Options{Hello: mockserver.Hello{MaxWriteBatchSize: 2}})
	batch := 0
	srv.Handle("update", func(req *mockserver.Request) mockserver.Reply {
		batch++
		var up bson.A
		for i, s := range req.Documents("updates") {
			if batch == 2 && i == 1 {
				return mockserver.OK(bson.KV("n", int32(len(up))), bson.KV("nModified", int32(0)), bson.KV("upserted", up),
					bson.KV("writeErrors", bson.A{bson.D{bson.KV("index", int32(1)), bson.KV("code", int32(2)), bson.KV("errmsg", "bad")}}))
			}
			up = append(up, bson.D{bson.KV("index", int32(i)), bson.KV("_id", s.Lookup("q", "_id"))})
		}
		return mockserver.OK(bson.KV("n", int32(len(up))), bson.KV("nModified", int32(0)), bson.KV("upserted", up))
	})
	var models []client.WriteModel
	for k := range 5 {
		models = append(models, client.UpdateOneModel{Filter: bson.D{bson.KV("_id", 10*k)},
			Update: bson.D{bson.KV("$set", bson.D{bson.KV("k", k)})}, Upsert: true})
	}
	res, err := coll.BulkWrite(testContext(t), models)
	var we *client.WriteException
	if !errors.As(err, &we) || len(we.WriteErrors) != 1 || we.WriteErrors[0].Index != 3 {
		t.Fatalf("error = %v, want one write error at model 3", err)
	}
	if n := len(srv.CommandsNamed("update")); n != 2 {
		t.Errorf("%d update commands, want 2 (the third batch is not sent after an error)", n)
	}
	want := map[int]any{0: int32(0), 1: int32(10), 2: int32(20)}
	if diff := cmp.Diff(want, res.UpsertedIDs); diff != "" || res.UpsertedCount != 3 || res.MatchedCount != 0 {
		t.Errorf("upserted %d, matched %d, ids (-want +got):\n%s", res.UpsertedCount, res.MatchedCount, diff)
	}
}

// A write-concern error does not stop an ordered bulk write; it comes
// back with the counts of everything done.
func TestBulkWriteWriteConcernError(t *testing.T) {
	srv, coll := mockCollection(t, mockserver.Options{})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, WriteConcernError: true,
		Code: 64, CodeName: "WriteConcernFailed", ErrMsg: "waiting for replication timed out"})
	models := []client.WriteModel{
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 1)}},
		client.DeleteOneModel{Filter: bson.D{bson.KV("_id", 1)}},
	}
	res, err := coll.BulkWrite(testContext(t), models)
	var we *client.WriteException
	if !errors.As(err, &we) || we.WriteConcernError == nil || we.WriteConcernError.Code != 64 || len(we.WriteErrors) != 0 {
		t.Fatalf("error = %v, want only a write-concern error of code 64", err)
	}
	if res.InsertedCount != 1 || res.DeletedCount != 1 {
		t.Errorf("result = %+v, want 1 inserted and 1 deleted", res)
	}
}

// With w: 0 the writes go out unacknowledged and the result says so.
func TestBulkWriteUnacknowledged(t *testing.T) {
	srv, coll := mockCollection(t, mockserver.Options{})
	coll = coll.WithOptions(client.CollectionOptions{WriteConcern: &client.WriteConcern{W: "0"}})
	ctx := testContext(t)
	res, err := coll.BulkWrite(ctx, []client.WriteModel{client.InsertOneModel{Document: bson.D{bson.KV("_id", 7)}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Acknowledged || res.InsertedCount != 0 {
		t.Errorf("result = %+v, want unacknowledged with no counts", res)
	}
	reqs, err := srv.WaitFor(ctx, "insert", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reqs[0].MoreToCome() {
		t.Error("the insert did not have moreToCome set")
	}
}

// Models that cannot be encoded fail before anything is sent, naming the
// model. Connect does no I/O, so no server is needed.
func TestBulkWriteInvalidModels(t *testing.T) {
	ctx := testContext(t)
	c, err := client.Connect(ctx, "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(ctx)
	coll := c.Database("test").Collection("things")
	var nilInsert *client.InsertOneModel
	for _, tc := range []struct {
		name   string
		models []client.WriteModel
		want   string
	}{
		{"no models", nil, "no models"},
		{"nil model", []client.WriteModel{client.DeleteOneModel{Filter: bson.D{}}, nil}, "model 1 is nil"},
		{"nil pointer", []client.WriteModel{nilInsert}, "model 0 is nil"},
		{"nil document", []client.WriteModel{client.InsertOneModel{}}, "model 0: document is nil"},
		{"nil filter", []client.WriteModel{client.DeleteManyModel{}}, "model 0: filter must not be nil"},
		{"update without operators", []client.WriteModel{client.UpdateOneModel{Filter: bson.D{},
			Update: bson.D{bson.KV("a", 1)}}}, "model 0: update document must contain only update operators"},
		{"replacement with operators", []client.WriteModel{client.InsertOneModel{Document: bson.D{}},
			client.ReplaceOneModel{Filter: bson.D{}, Replacement: bson.D{bson.KV("$set", 1)}}}, "model 1: replacement document must not contain update operators"},
		{"unmarshalable document", []client.WriteModel{client.InsertOneModel{Document: make(chan int)}}, "model 0: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := coll.BulkWrite(ctx, tc.models)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "client: client:") || strings.Contains(err.Error(), ": client: ") {
				t.Errorf("error repeats its prefix: %v", err)
			}
			if client.IsNetworkError(err) || errors.As(err, new(*client.ServerSelectionError)) {
				t.Errorf("error = %v: the models were not checked before I/O", err)
			}
		})
	}
}

// A network error ends the bulk write: the models after it are not sent.
func TestBulkWriteNetworkError(t *testing.T) {
	srv, coll := mockCollection(t, mockserver.Options{})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"delete"}, Action: mockserver.CloseAfterRead})
	models := []client.WriteModel{
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 1)}},
		client.DeleteManyModel{Filter: bson.D{bson.KV("_id", 1)}}, // not retryable: one attempt
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 2)}},
	}
	res, err := coll.BulkWrite(context.Background(), models)
	if !client.IsNetworkError(err) {
		t.Fatalf("error = %v, want a network error", err)
	}
	if res.InsertedCount != 1 {
		t.Errorf("inserted %d, want 1", res.InsertedCount)
	}
	if n := len(srv.CommandsNamed("insert")); n != 1 {
		t.Errorf("%d inserts sent, want 1", n)
	}
}

// A run split over two commands whose first has a write error and whose
// second meets a network error: both come back, the write error with its
// model index.
func TestBulkWriteWriteErrorThenNetworkError(t *testing.T) {
	srv, coll := mockCollection(t, mockserver.Options{Hello: mockserver.Hello{MaxWriteBatchSize: 2}})
	var calls atomic.Int32
	srv.Handle("delete", func(*mockserver.Request) mockserver.Reply {
		if calls.Add(1) == 1 {
			return mockserver.WriteErrors(1, mockserver.WriteError{Index: 1, Code: 2, ErrMsg: "bad filter"})
		}
		return mockserver.Reply{Action: mockserver.CloseAfterRead}
	})
	models := []client.WriteModel{
		client.InsertOneModel{Document: bson.D{bson.KV("_id", 1)}},
		client.DeleteManyModel{Filter: bson.D{bson.KV("a", 1)}}, // DeleteMany: no retry
		client.DeleteManyModel{Filter: bson.D{bson.KV("b", 1)}},
		client.DeleteManyModel{Filter: bson.D{bson.KV("c", 1)}},
	}
	res, err := coll.BulkWrite(testContext(t), models, client.BulkWriteOptions{Unordered: true})
	var we *client.WriteException
	if !errors.As(err, &we) || len(we.WriteErrors) != 1 || we.WriteErrors[0].Index != 2 {
		t.Errorf("error = %v, want a write error at model 2", err)
	}
	if !client.IsNetworkError(err) {
		t.Errorf("error = %v, want a network error too", err)
	}
	if res.InsertedCount != 1 || res.DeletedCount != 1 {
		t.Errorf("result = %+v, want 1 inserted, 1 deleted", res)
	}
}

// Several writes in one call, against the mock server (which stores
// inserts and applies $set and deletes on equality filters).
func ExampleCollection_BulkWrite() {
	srv, err := mockserver.Start(mockserver.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close(context.Background())
	c, err := client.Connect(context.Background(), srv.URI())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Disconnect(context.Background())
	coll := c.Database("shop").Collection("stock")

	res, err := coll.BulkWrite(context.Background(), []client.WriteModel{
		client.InsertOneModel{Document: bson.D{bson.KV("_id", "apple"), bson.KV("qty", 5)}},
		client.InsertOneModel{Document: bson.D{bson.KV("_id", "pear"), bson.KV("qty", 0)}},
		client.UpdateOneModel{Filter: bson.D{bson.KV("_id", "apple")}, Update: bson.D{bson.KV("$set", bson.D{bson.KV("qty", 4)})}},
		client.DeleteOneModel{Filter: bson.D{bson.KV("_id", "pear")}},
		client.InsertOneModel{Document: bson.D{bson.KV("_id", "apple")}}, // a duplicate
	})
	fmt.Println("inserted", res.InsertedCount, "modified", res.ModifiedCount, "deleted", res.DeletedCount)
	var we *client.WriteException
	if errors.As(err, &we) {
		fmt.Println("model", we.WriteErrors[0].Index, "failed; duplicate key:", client.IsDuplicateKey(err))
	}
	// Output:
	// inserted 2 modified 1 deleted 1
	// model 4 failed; duplicate key: true
}
