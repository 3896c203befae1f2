package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/spectest"
)

// This file checks the engine against the outcomes of the crud unified
// spec tests, with a tiny in-test store standing in for the server: it
// runs the operations it knows (find, aggregate, the updates, deletes and
// inserts, bulkWrite of those) and compares results and collection
// contents. Tests with operations it does not know, expected errors,
// collation or server versions before 5.0 are left to the server's
// runner.

type simFile struct {
	RunOnRequirements []json.RawMessage            `json:"runOnRequirements"`
	CreateEntities    []map[string]json.RawMessage `json:"createEntities"`
	InitialData       []simColl                    `json:"initialData"`
	Tests             []simTest                    `json:"tests"`
}

type simColl struct {
	CollectionName string            `json:"collectionName"`
	DatabaseName   string            `json:"databaseName"`
	Documents      []json.RawMessage `json:"documents"`
}

type simTest struct {
	Description       string            `json:"description"`
	RunOnRequirements []json.RawMessage `json:"runOnRequirements"`
	Operations        []simOp           `json:"operations"`
	Outcome           []simColl         `json:"outcome"`
}

type simOp struct {
	Name         string                     `json:"name"`
	Object       string                     `json:"object"`
	Arguments    map[string]json.RawMessage `json:"arguments"`
	ExpectResult json.RawMessage            `json:"expectResult"`
	ExpectError  json.RawMessage            `json:"expectError"`
}

// simStore is the tiny store: collection name -> documents.
type simStore struct {
	colls map[string][]bson.D
	names map[string]string // entity id -> collection name
}

func TestCrudSpecOutcomes(t *testing.T) {
	files := spectest.Files(t, ".json", "crud", "tests", "unified")
	ran, passed := 0, 0
	skipped := map[string]int{}
	for _, f := range files {
		var sf simFile
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &sf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tc := range sf.Tests {
			name := filepath.Base(f) + "/" + tc.Description
			tc.RunOnRequirements = append(tc.RunOnRequirements, sf.RunOnRequirements...)
			reason := simSkip(tc)
			if reason != "" {
				skipped[reason]++
				continue
			}
			ran++
			if err := simRun(t, sf, tc); err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			passed++
		}
	}
	t.Logf("crud spec outcomes: %d of %d runnable tests pass; left to the server's runner: %v", passed, ran, skipped)
}

// simSkip says why a test is not for this simulation, or "".
func simSkip(tc simTest) string {
	for _, r := range tc.RunOnRequirements {
		if strings.Contains(string(r), `"maxServerVersion"`) {
			return "old server versions"
		}
		if strings.Contains(string(r), `"serverless": "required"`) {
			return "serverless"
		}
	}
	known := []string{"find", "findOne", "aggregate", "updateOne", "updateMany", "replaceOne",
		"deleteOne", "deleteMany", "insertOne", "insertMany", "countDocuments", "bulkWrite",
		"findOneAndUpdate", "findOneAndReplace", "findOneAndDelete"}
	for _, op := range tc.Operations {
		if strings.Contains(string(op.ExpectResult), `"acknowledged"`) || strings.Contains(string(op.ExpectResult), `"$$unsetOrMatches": null`) {
			return "unacknowledged writes"
		}
		if strings.Contains(op.Object, "readConcern") {
			return "read concern is the server's"
		}
		if strings.HasPrefix(op.Object, "database") {
			return "database-level aggregate"
		}
		if !slices.Contains(known, op.Name) {
			return "operation"
		}
		if op.ExpectError != nil && (!serverError(op.ExpectError) || op.Name == "insertOne") {
			return "client-side error, or one the server checks"
		}
		if _, ok := op.Arguments["readConcern"]; ok {
			return "read concern is the server's"
		}
		if _, ok := op.Arguments["hint"]; ok && op.ExpectError != nil {
			return "hint errors are the server's"
		}
		if _, ok := op.Arguments["collation"]; ok {
			return "collation"
		}
		if _, ok := op.Arguments["session"]; ok {
			return "session"
		}
		for _, a := range op.Arguments {
			if strings.Contains(string(a), `"collation"`) {
				return "collation"
			}
		}
	}
	return ""
}

func simRun(t *testing.T, sf simFile, tc simTest) error {
	s := &simStore{colls: map[string][]bson.D{}, names: map[string]string{}}
	for _, e := range sf.CreateEntities {
		if raw, ok := e["collection"]; ok {
			var c struct {
				ID             string `json:"id"`
				CollectionName string `json:"collectionName"`
			}
			_ = json.Unmarshal(raw, &c)
			s.names[c.ID] = c.CollectionName
		}
	}
	for _, c := range sf.InitialData {
		s.colls[c.CollectionName] = []bson.D{}
		for _, d := range c.Documents {
			s.colls[c.CollectionName] = append(s.colls[c.CollectionName], rawDoc(t, d))
		}
	}
	for i, op := range tc.Operations {
		res, err := s.run(t, op)
		if op.ExpectError != nil {
			if err := checkError(op.ExpectError, err); err != nil {
				return fmt.Errorf("operation %d (%s): %v", i, op.Name, err)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("operation %d (%s): %v", i, op.Name, err)
		}
		if op.ExpectResult != nil {
			want := rawVal(t, op.ExpectResult)
			if !looseMatch(want, res, true) {
				return fmt.Errorf("operation %d (%s): result %s, want %s", i, op.Name, js(t, res), js(t, want))
			}
		}
	}
	for _, c := range tc.Outcome {
		got := bson.A{}
		for _, d := range s.colls[c.CollectionName] {
			got = append(got, d)
		}
		want := bson.A{}
		for _, d := range c.Documents {
			want = append(want, rawDoc(t, d))
		}
		if !looseMatch(want, got, false) {
			return fmt.Errorf("outcome of %s: %s, want %s", c.CollectionName, js(t, got), js(t, want))
		}
	}
	return nil
}

// serverError reports whether an expectError is one the server raises
// (and so the engine, for the operations simulated here).
func serverError(raw json.RawMessage) bool {
	var e struct {
		IsClientError   *bool   `json:"isClientError"`
		ErrorCode       *int32  `json:"errorCode"`
		ErrorCodeName   *string `json:"errorCodeName"`
		ErrorContains   *string `json:"errorContains"`
		IsError         *bool   `json:"isError"`
		ErrorResponse   any     `json:"errorResponse"`
		ExpectResult    any     `json:"expectResult"`
		ErrorLabelsOmit any     `json:"errorLabelsOmit"`
	}
	_ = json.Unmarshal(raw, &e)
	return (e.IsClientError == nil || !*e.IsClientError) && e.ExpectResult == nil && e.ErrorResponse == nil
}

// checkError compares the engine's error with an expectError.
func checkError(raw json.RawMessage, err error) error {
	var e struct {
		ErrorCode     *int32  `json:"errorCode"`
		ErrorCodeName *string `json:"errorCodeName"`
	}
	_ = json.Unmarshal(raw, &e)
	if err == nil {
		return fmt.Errorf("no error, want %s", raw)
	}
	ee, ok := err.(*Error)
	if !ok {
		return fmt.Errorf("error %v is not an *Error", err)
	}
	if e.ErrorCode != nil && *e.ErrorCode != ee.Code {
		return fmt.Errorf("error %v, want code %d", err, *e.ErrorCode)
	}
	if e.ErrorCodeName != nil && *e.ErrorCodeName != ee.CodeName {
		return fmt.Errorf("error %v, want %s", err, *e.ErrorCodeName)
	}
	return nil
}

func rawVal(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	return val(t, string(raw))
}

func rawDoc(t *testing.T, raw json.RawMessage) bson.D {
	t.Helper()
	d, _ := rawVal(t, raw).(bson.D)
	return d
}

// looseMatch compares as the unified format does: numbers by value,
// $$exists, $$unsetOrMatches and $$type; extra fields allowed in root
// documents when root is true.
func looseMatch(want, got any, root bool) bool {
	switch w := want.(type) {
	case bson.D:
		if len(w) == 1 && strings.HasPrefix(w[0].Key, "$$") {
			return specialMatch(w[0], got)
		}
		g, ok := got.(bson.D)
		if !ok {
			return false
		}
		for _, e := range w {
			gv, has := lookup(g, e.Key)
			if d, ok := e.Value.(bson.D); ok && len(d) == 1 && strings.HasPrefix(d[0].Key, "$$") {
				if !has {
					gv = missing
				}
				if !specialMatch(d[0], gv) {
					return false
				}
				continue
			}
			if !has || !looseMatch(e.Value, gv, false) {
				return false
			}
		}
		return root || len(g) == len(w)
	case bson.A:
		g, ok := got.(bson.A)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !looseMatch(w[i], g[i], root) {
				return false
			}
		}
		return true
	}
	return Equal(want, got) && (isNumber(want) == isNumber(got))
}

func specialMatch(op bson.E, got any) bool {
	switch op.Key {
	case "$$exists":
		return truthy(op.Value) == (got != missing)
	case "$$unsetOrMatches":
		return got == missing || looseMatch(op.Value, got, false)
	case "$$type":
		return got != missing
	}
	return false
}
