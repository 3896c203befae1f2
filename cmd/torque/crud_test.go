package main

import (
	"strings"
	"testing"
)

// TestCRUD runs each document command against FerretDB and mongotest
// and checks its output, human-readable and --json.
func TestCRUD(t *testing.T) { bothServers(t, testCRUD) }

func testCRUD(t *testing.T, uri, db string) {
	ns := db + ".people"
	out := ok(t, uri, "", "insert", ns,
		`{"_id": 1, "name": "Ada", "age": 36}`, `{"_id": 2, "name": "Bob", "age": 20}`)
	if out != "inserted 2 documents\n" {
		t.Errorf("insert: %q", out)
	}
	out = ok(t, uri, `{"_id": 3, "name": "Cy", "age": 51, "born": {"$date": "1975-01-02T03:04:05Z"}}`+"\n", "insert", ns, "--json")
	if out != `{"insertedCount":1,"insertedIds":[3]}`+"\n" {
		t.Errorf("insert --json from stdin: %q", out)
	}

	out = ok(t, uri, "", "find", ns, `{"age": {"$gte": 30}}`, "--sort", `{"age": -1}`, "--json")
	want := `{"_id":3,"name":"Cy","age":51,"born":{"$date":"1975-01-02T03:04:05Z"}}` + "\n" +
		`{"_id":1,"name":"Ada","age":36}` + "\n"
	if out != want {
		t.Errorf("find --json:\n%s\nwant\n%s", out, want)
	}
	out = ok(t, uri, "", "find", ns, `{"_id": 3}`, "--canonical", "--json")
	if want := `{"_id":{"$numberInt":"3"},"name":"Cy","age":{"$numberInt":"51"},"born":{"$date":{"$numberLong":"157863845000"}}}` + "\n"; out != want {
		t.Errorf("find --canonical:\n%s\nwant\n%s", out, want)
	}
	out = ok(t, uri, "", "find", ns, `{"_id": 3}`)
	if want := "{\n  \"_id\": 3,\n  \"name\": \"Cy\",\n  \"age\": 51,\n  \"born\": {\"$date\": \"1975-01-02T03:04:05Z\"}\n}\n"; out != want {
		t.Errorf("find (human):\n%s\nwant\n%s", out, want)
	}
	out = ok(t, uri, "", "find", ns, `{"_id": 1}`, "--projection", `{"_id": 0, "name": 1}`)
	if want := "{\n  \"name\": \"Ada\"\n}\n"; out != want {
		t.Errorf("find (human):\n%s\nwant\n%s", out, want)
	}
	if out := ok(t, uri, "", "find", ns, "--sort", `{"_id": 1}`, "--skip", "1", "--limit", "1", "--json"); !strings.HasPrefix(out, `{"_id":2,`) || len(lines(out)) != 1 {
		t.Errorf("find --skip 1 --limit 1: %q", out)
	}

	// $regex as a query operator, with $options and beside another operator.
	out = ok(t, uri, "", "find", ns, `{"name": {"$regex": "^[ab]", "$options": "i", "$ne": "Bob"}}`, "--projection", `{"name": 1}`, "--json")
	if out != `{"_id":1,"name":"Ada"}`+"\n" {
		t.Errorf("find with $regex: %q", out)
	}
	if out := ok(t, uri, "", "count", ns, `{"name": {"$regex": "^b"}}`); out != "0\n" {
		t.Errorf("count with a case-sensitive $regex: %q", out)
	}

	if out := ok(t, uri, "", "count", ns, `{"age": {"$lt": 40}}`); out != "2\n" {
		t.Errorf("count: %q", out)
	}
	if out := ok(t, uri, "", "count", ns, "--json"); out != `{"count":3}`+"\n" {
		t.Errorf("count --json: %q", out)
	}
	if out := ok(t, uri, "", "distinct", ns, "name", `{"age": {"$gt": 30}}`); out != "\"Ada\"\n\"Cy\"\n" {
		t.Errorf("distinct: %q", out)
	}
	out = ok(t, uri, "", "aggregate", ns, `[{"$match": {"age": {"$gt": 25}}}, {"$group": {"_id": null, "total": {"$sum": "$age"}}}]`, "--json")
	if out != `{"_id":null,"total":87}`+"\n" {
		t.Errorf("aggregate: %q", out)
	}

	if out := ok(t, uri, "", "update", ns, `{"name": "Bob"}`, `{"$inc": {"age": 1}}`); out != "matched 1, modified 1\n" {
		t.Errorf("update: %q", out)
	}
	out = ok(t, uri, "", "update", ns, `{"age": {"$gt": 0}}`, `{"$set": {"seen": true}}`, "--many", "--json")
	if out != `{"matchedCount":3,"modifiedCount":3,"upsertedCount":0}`+"\n" {
		t.Errorf("update --many: %q", out)
	}
	out = ok(t, uri, "", "update", ns, `{"_id": 9}`, `{"name": "Zed"}`, "--replace", "--upsert", "--json")
	if out != `{"matchedCount":0,"modifiedCount":0,"upsertedCount":1,"upsertedId":9}`+"\n" {
		t.Errorf("update --replace --upsert: %q", out)
	}
	if out := ok(t, uri, "", "find", ns, `{"_id": 2}`, "--json"); out != `{"_id":2,"name":"Bob","age":21,"seen":true}`+"\n" {
		t.Errorf("after the updates: %q", out)
	}

	if out := ok(t, uri, "", "delete", ns, `{"age": {"$lt": 40}}`, "--many"); out != "deleted 2 documents\n" {
		t.Errorf("delete --many: %q", out)
	}
	if out := ok(t, uri, "", "delete", ns, `{}`, "--json"); out != `{"deletedCount":1}`+"\n" {
		t.Errorf("delete: %q", out)
	}
	out = ok(t, uri, "", "run", db, `{"count": "people", "query": {}}`, "--json")
	if !strings.HasPrefix(out, `{"n":1,`) {
		t.Errorf("run count: %q", out)
	}
}

// TestBadInput: a bad URI, filter or pipeline, a missing argument or an
// unknown command gives one clear line on stderr and a non-zero status.
func TestBadInput(t *testing.T) {
	uri, db := ferret(t)
	ns := db + ".c"
	oneStderrLine(t, torque(t, uri, "", "find", ns, `{"age": {"$gte": }}`), 1,
		"torque find: filter is not valid Extended JSON at byte 17", `near "}}"`)
	oneStderrLine(t, torque(t, uri, "", "aggregate", ns, `[{"$match": {"a": 1}}, {"$limit": {"$numberInt": "x"}}]`), 1,
		"torque aggregate: pipeline is not valid Extended JSON", `key "1.$limit"`)
	oneStderrLine(t, torque(t, "mongodb://127.0.0.1:99999/", "", "find", ns), 1,
		"torque find: bad --uri: ", "port must be a number")
	oneStderrLine(t, torque(t, "mongodb://torque:s3cret@127.0.0.1:1/", "", "find", ns, "--serverSelectionTimeout", "200ms"), 1,
		"torque find: ", "no server for find", "127.0.0.1:1")
	oneStderrLine(t, torque(t, "http://localhost", "", "count", ns), 1, "bad --uri", `"mongodb://"`)
	if r := torque(t, "mongodb://torque:s3cret@127.0.0.1:1/", "", "find", ns, "--serverSelectionTimeout", "200ms"); strings.Contains(r.stderr, "s3cret") {
		t.Errorf("the password is in the error: %s", r.stderr)
	}
	oneStderrLine(t, torque(t, uri, "", "find", "nodot"), 2, `"nodot" is not a namespace`)
	oneStderrLine(t, torque(t, uri, "", "find", ns, "--limit", "x"), 2, `invalid value "x" for flag -limit`)
	oneStderrLine(t, torque(t, uri, "", "frobnicate"), 2, `unknown command "frobnicate"`)
	oneStderrLine(t, torque(t, uri, "", "run", db, `{"noSuchCommand": 1}`), 1, "torque run: ", "noSuchCommand")
}

// TestHelp: torque help lists the commands; help NAME shows the flags.
func TestHelp(t *testing.T) {
	out := ok(t, "", "", "help")
	for name := range commands {
		if !strings.Contains(out, "\t"+name+" ") {
			t.Errorf("torque help does not list %s", name)
		}
	}
	out = ok(t, "", "", "help", "import")
	for _, w := range []string{"usage: torque import [flags] db.collection [file]", "-upsertFields", "-skip-errors"} {
		if !strings.Contains(out, w) {
			t.Errorf("torque help import does not say %q", w)
		}
	}
	if r := torque(t, "", "", "find", "-h"); r.code != 0 || !strings.Contains(r.stdout, "usage: torque find") {
		t.Errorf("find -h: %+v", r)
	}
	if r := torque(t, "", ""); r.code != 2 {
		t.Errorf("no arguments: exit %d, want 2", r.code)
	}
}
