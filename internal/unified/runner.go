package unified

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/spectest"
)

// supportedSchema is the newest schema version the runner reads; files of
// a newer minor version, or another major one, are refused. (1.26: the
// CSOT suite's files; what 1.22 to 1.26 added that the runner lacks is
// refused as an unknown argument or operation, never ignored.)
var supportedSchema = [3]int{1, 26, 0}

// perTest bounds each test, so that a stuck operation fails instead of
// hanging the suite.
const perTest = 30 * time.Second

// Suite is one specification's unified tests: the directory below the
// spec corpus ("crud/tests/unified") and one skip list per backend, by
// backend name. A suite runs on the backends it has a skip list for (an
// empty one skips nothing); the others skip it, saying so.
type Suite struct {
	Dir   string
	Skips map[string]spectest.Skips
	// OneProc names the files (without .json) whose tests run with
	// GOMAXPROCS 1, the timing-sensitive ones (one_proc.go).
	OneProc []string
}

// Run runs every .json file of a suite against every backend, one subtest
// per backend, file and test: <Test>/<backend>/<file>/<case>. A test
// whose "file/description" matches the backend's skip list is skipped with
// its reason.
func Run(t *testing.T, s Suite) {
	parts := strings.Split(s.Dir, "/")
	files := spectest.Files(t, ".json", parts...)
	root := spectest.Dir(t, parts...)
	for _, b := range backends {
		t.Run(b.Name, func(t *testing.T) {
			skips, ok := s.Skips[b.Name]
			if !ok {
				t.Skipf("the suite has no skip list for backend %s: it does not run there yet", b.Name)
			}
			br := &backendRun{b: b, t: t, targets: map[string]*target{}}
			for _, path := range files {
				name := strings.TrimSuffix(spectest.Name(root, path), ".json")
				s.onOneProc(name, func() { br.runFile(path, name, skips) })
			}
		})
	}
}

// testFile is a parsed test file, kept as BSON.
type testFile struct {
	doc bson.Raw
}

// readFile parses a test file and checks its schema version.
func readFile(path string) (testFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return testFile{}, err
	}
	doc, err := bson.ExtJSONToRaw(data)
	if err != nil {
		return testFile{}, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	sv, _ := doc.Lookup("schemaVersion").StringValue()
	return testFile{doc: doc}, checkSchema(sv)
}

// runFile runs one file's tests as subtests. The deployment of each test
// is chosen first, on the backend's goroutine, which may deploy it.
func (br *backendRun) runFile(path, name string, skips spectest.Skips) {
	f, err := readFile(path)
	type planned struct {
		test bson.Raw
		desc string
		tg   *target
		why  string
	}
	var plan []planned
	fileWhy := ""
	if err == nil {
		fileReqs := f.array("runOnRequirements")
		if tg, why := br.choose(fileReqs, nil); tg == nil {
			fileWhy = "runOnRequirements: " + why
		}
		for _, tv := range f.array("tests").All() {
			if fileWhy != "" {
				break
			}
			test, _ := tv.Document()
			desc, _ := test.Lookup("description").StringValue()
			reqs, _ := test.Lookup("runOnRequirements").Array()
			tg, why := br.choose(fileReqs, reqs)
			plan = append(plan, planned{test, desc, tg, why})
		}
	}
	br.t.Run(name, func(t *testing.T) {
		if err != nil {
			t.Fatal(err)
		}
		if fileWhy != "" {
			t.Skip(fileWhy)
		}
		for _, p := range plan {
			t.Run(p.desc, func(t *testing.T) {
				if s, ok := p.test.Lookup("skipReason").StringValue(); ok {
					t.Skipf("skipReason: %s", s)
				}
				if p.tg == nil {
					t.Skipf("runOnRequirements: %s", p.why)
				}
				if usesFailPoint(p.test) && !p.tg.env.failPoints {
					t.Skipf("the test configures a fail point; backend %s has no configureFailPoint", br.b.Name)
				}
				skips.Check(t, name+"/"+p.desc)
				r := &run{tg: p.tg, file: f, entities: newEntityMap()}
				if err := r.runTest(p.test); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

func (f testFile) array(key string) bson.RawArray {
	a, _ := f.doc.Lookup(key).Array()
	return a
}

func checkSchema(v string) error {
	var got [3]int
	n, _ := fmt.Sscanf(v, "%d.%d.%d", &got[0], &got[1], &got[2])
	if n < 2 || got[0] != supportedSchema[0] || got[1] > supportedSchema[1] {
		return fmt.Errorf("schemaVersion %q: the runner reads 1.0 to %d.%d", v, supportedSchema[0], supportedSchema[1])
	}
	return nil
}

// run is one test's state.
type run struct {
	tg         *target
	file       testFile
	entities   *entityMap
	failPoints []setFailPoint // to turn off when the test ends
}

func (r *run) runTest(test bson.Raw) (failed error) {
	ctx, cancel := context.WithTimeout(context.Background(), perTest)
	defer cancel()
	defer r.entities.close(context.Background())
	defer func() {
		if err := r.disableFailPoints(context.Background()); err != nil && failed == nil {
			failed = err
		}
	}()
	// Transactions an earlier test left open would hold their documents:
	// kill every session first, as the format advises (errors ignored: a
	// server may not have the command).
	_ = r.tg.internal.Database("admin").RunCommand(ctx, bson.D{bson.KV("killAllSessions", bson.A{})}).Err()
	if err := r.dropUnseeded(ctx); err != nil {
		return err
	}
	if err := r.initialData(ctx); err != nil {
		return fmt.Errorf("initialData: %w", err)
	}
	if err := r.createEntities(ctx, r.file.array("createEntities")); err != nil {
		return err
	}
	ops, _ := test.Lookup("operations").Array()
	for i, v := range ops.All() {
		op, _ := v.Document()
		if err := r.operation(ctx, op); err != nil {
			name, _ := op.Lookup("name").StringValue()
			return fmt.Errorf("operations[%d] %s: %w", i, name, err)
		}
	}
	if ev, ok := test.Lookup("expectEvents").Array(); ok {
		if err := r.checkEvents(ev); err != nil {
			return err
		}
	}
	if lm, ok := test.Lookup("expectLogMessages").Array(); ok {
		if err := r.checkLogMessages(lm); err != nil {
			return err
		}
	}
	if oc, ok := test.Lookup("outcome").Array(); ok {
		if err := r.checkOutcome(ctx, oc); err != nil {
			return fmt.Errorf("outcome: %w", err)
		}
	}
	return nil
}

// operation runs one operation and asserts its result or error.
func (r *run) operation(ctx context.Context, op bson.Raw) error {
	_, failure := r.runOperation(ctx, op)
	return failure
}

// runOperation runs one operation and asserts its result or error; it
// returns the operation's own error beside the assertion that failed
// (for withTransaction, whose callback returns the former).
func (r *run) runOperation(ctx context.Context, op bson.Raw) (opErr, failure error) {
	name, _ := op.Lookup("name").StringValue()
	object, _ := op.Lookup("object").StringValue()
	argDoc, _ := op.Lookup("arguments").Document()
	out := r.execute(ctx, name, object, newArgs(argDoc))
	if errors.Is(out.err, errCallback) {
		return out.err, out.err
	}
	if e, ok := op.Lookup("expectError").Document(); ok {
		return out.err, r.checkError(e, out)
	}
	if out.err != nil {
		if b, _ := op.Lookup("ignoreResultAndError").Boolean(); b {
			return out.err, nil
		}
		return out.err, fmt.Errorf("unexpected error: %w", out.err)
	}
	if exp := op.Lookup("expectResult"); !exp.IsZero() {
		if err := r.checkResult(name, exp, out.result); err != nil {
			return nil, err
		}
	}
	id, save := op.Lookup("saveResultAsEntity").StringValue()
	switch {
	case out.entity != nil && save:
		return nil, r.entities.saveCursor(id, out.entity)
	case out.entity != nil:
		_ = out.entity.Close(ctx) // a cursor nobody will read
	case out.coll != nil && save:
		r.entities.colls[id] = out.coll
	case save:
		r.entities.values[id] = out.result
	}
	return nil, nil
}

// errCallback marks the failure of an assertion in a withTransaction
// callback: it fails the test whatever withTransaction expected.
var errCallback = errors.New("withTransaction callback")

// checkResult asserts expectResult.
func (r *run) checkResult(name string, exp, got bson.RawValue) error {
	m := &matcher{entities: r.entities}
	var err error
	// The documents of a cursor are root-level: extra fields are allowed.
	if arr, ok := exp.Array(); ok && (name == "find" || name == "aggregate" || name == "listCollections" || name == "listIndexes") {
		actArr, ok := got.Array()
		if !ok {
			return fmt.Errorf("expectResult: expected an array, got %s", describe(got))
		}
		err = m.matchArray("", arr, actArr, true)
	} else {
		err = m.match("", exp, got, true)
	}
	if err != nil {
		return fmt.Errorf("expectResult %s: %w; the result: %s", exp, err, describe(got))
	}
	return nil
}

// majority is the write concern of the runner's own setup writes.
var majority = client.CollectionOptions{WriteConcern: &client.WriteConcern{W: "majority"}}

// initialData drops each collection and inserts its documents with the
// internal client.
func (r *run) initialData(ctx context.Context) error {
	for i, v := range r.file.array("initialData").All() {
		cd, _ := v.Document()
		a := newArgs(cd)
		db := r.tg.internal.Database(a.str("databaseName"))
		name := a.str("collectionName")
		docs := a.docs("documents")
		opts := a.doc("createOptions")
		if err := a.done(); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
		coll := db.Collection(name, majority)
		if err := coll.Drop(ctx); err != nil {
			return fmt.Errorf("[%d] dropping %s: %w", i, name, err)
		}
		if len(docs) == 0 || opts != nil {
			cmd := bson.D{bson.KV("create", name)}
			for k, v := range opts.All() {
				cmd = append(cmd, bson.KV(k, v))
			}
			if err := db.RunCommand(ctx, cmd).Err(); err != nil {
				return fmt.Errorf("[%d] creating %s: %w", i, name, err)
			}
		}
		if len(docs) > 0 {
			if _, err := coll.InsertMany(ctx, docs); err != nil {
				return fmt.Errorf("[%d] inserting into %s: %w", i, name, err)
			}
		}
	}
	return nil
}

// dropUnseeded drops the collections of collection entities that
// initialData does not set up, so that no test sees what an earlier file
// left there (a few files, such as insertOne-rawdata, have no initialData
// but insert fixed _ids).
func (r *run) dropUnseeded(ctx context.Context) error {
	seeded := map[string]bool{}
	for _, v := range r.file.array("initialData").All() {
		cd, _ := v.Document()
		db, _ := cd.Lookup("databaseName").StringValue()
		coll, _ := cd.Lookup("collectionName").StringValue()
		seeded[db+"."+coll] = true
	}
	dbNames := map[string]string{} // database entity id -> name
	for _, v := range r.file.array("createEntities").All() {
		e, _ := v.Document()
		if d, ok := e.Lookup("database").Document(); ok {
			id, _ := d.Lookup("id").StringValue()
			dbNames[id], _ = d.Lookup("databaseName").StringValue()
		}
		c, ok := e.Lookup("collection").Document()
		if !ok {
			continue
		}
		dbID, _ := c.Lookup("database").StringValue()
		name, _ := c.Lookup("collectionName").StringValue()
		if db := dbNames[dbID]; db != "" && !seeded[db+"."+name] {
			if err := r.tg.internal.Database(db).Collection(name, majority).Drop(ctx); err != nil {
				return fmt.Errorf("dropping %s.%s: %w", db, name, err)
			}
		}
	}
	return nil
}

// checkOutcome asserts that each collection holds exactly the expected
// documents, read with the internal client in _id order.
func (r *run) checkOutcome(ctx context.Context, list bson.RawArray) error {
	for i, v := range list.All() {
		cd, _ := v.Document()
		a := newArgs(cd)
		db, name := a.str("databaseName"), a.str("collectionName")
		want := a.array("documents")
		if err := a.done(); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
		coll := r.tg.internal.Database(db).Collection(name,
			client.CollectionOptions{ReadConcern: &client.ReadConcern{Level: "local"}})
		cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{Sort: bson.D{bson.KV("_id", 1)}})
		got := drain(ctx, cur, err)
		if got.err != nil {
			return fmt.Errorf("[%d] reading %s.%s: %w", i, db, name, got.err)
		}
		gotArr, _ := got.result.Array()
		m := &matcher{exact: true}
		if err := m.matchArray(db+"."+name, want, gotArr, false); err != nil {
			return err
		}
	}
	return nil
}
