package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/spectest"
)

// tweets returns the benchmarking spec's tweet as n documents with _id
// 0..n-1, one Extended JSON document a line.
func tweets(t *testing.T, n int, canonical bool) string {
	t.Helper()
	dir := filepath.Join(spectest.Root(), "benchmarking", "data")
	if _, err := os.Stat(dir); err != nil {
		spectest.SkipOrFail(t, "no benchmark data: "+err.Error()+" (set MONGO_SPEC_DIR)")
	}
	d, err := loadBenchData(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	for i := range n {
		b, err = bson.AppendExtJSON(b, withID(d.tweet, int32(i)), canonical)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, '\n')
	}
	return string(b)
}

// TestImportExportTweets: 10,000 tweets imported and exported again come
// back byte for byte, in relaxed Extended JSON; and in canonical, every
// type explicit.
func TestImportExportTweets(t *testing.T) { bothServers(t, testImportExportTweets) }

func testImportExportTweets(t *testing.T, uri, db string) {
	in := tweets(t, 10000, false)
	file := filepath.Join(t.TempDir(), "tweets.json")
	if err := os.WriteFile(file, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	r := torque(t, uri, "", "import", db+".tweets", file, "--drop")
	if r.code != 0 || r.stderr != "imported 10000 documents\n" {
		t.Fatalf("import: %+v", r)
	}
	out := ok(t, uri, "", "export", db+".tweets", "--sort", `{"_id": 1}`)
	if out != in {
		t.Fatalf("export differs from what was imported: %d bytes, want %d\nfirst line: %s\nwant:       %s",
			len(out), len(in), strings.SplitN(out, "\n", 2)[0], strings.SplitN(in, "\n", 2)[0])
	}

	canon := tweets(t, 1000, true)
	ok(t, uri, canon, "import", db+".canonical")
	if out := ok(t, uri, "", "export", db+".canonical", "--canonical", "--sort", `{"_id": 1}`); out != canon {
		t.Errorf("canonical round trip differs: %.200s", out)
	}
}

// numbered returns n small documents a line, line i with _id i.
func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(`{"_id": %d, "x": "line %d"}`, i+1, i+1)
	}
	return out
}

// TestImportBadLine: a malformed line 7,312 of 10,000 stops the import
// with one message naming it; the batches before it are written. With
// --skip-errors the line is reported and every other document written.
func TestImportBadLine(t *testing.T) { bothServers(t, testImportBadLine) }

func testImportBadLine(t *testing.T, uri, db string) {
	docs := numbered(10000)
	docs[7311] = `{"_id": 7312, "x": "line 7312",}`
	in := strings.Join(docs, "\n") + "\n"
	r := torque(t, uri, in, "import", db+".bad")
	if r.code != 1 {
		t.Errorf("exit status %d, want 1", r.code)
	}
	if want := `torque import: stdin: line 7312: not valid Extended JSON at column 32`; !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not say %q", r.stderr, want)
	}
	if !strings.Contains(r.stderr, "(7000 documents written before it)") {
		t.Errorf("stderr %q does not say how many documents were written", r.stderr)
	}
	if out := ok(t, uri, "", "count", db+".bad"); out != "7000\n" {
		t.Errorf("%s documents written before the bad line, want the 7 batches before it (7000)", out)
	}
	r = torque(t, uri, in, "import", db+".skip", "--skip-errors")
	if r.code != 0 || !strings.Contains(r.stderr, "skipped line 7312: not valid Extended JSON") ||
		!strings.HasSuffix(r.stderr, "imported 9999 documents, skipped 1\n") {
		t.Errorf("--skip-errors: %+v", r)
	}
}

// TestImportModes: insert refuses a duplicate and names its line; upsert
// replaces by --upsertFields; merge sets fields; ordered=false goes on.
func TestImportModes(t *testing.T) { bothServers(t, testImportModes) }

func testImportModes(t *testing.T, uri, db string) {
	ns := db + ".modes"
	ok(t, uri, `{"_id": 1, "k": "a", "v": 1}`+"\n"+`{"_id": 2, "k": "b", "v": 2}`+"\n", "import", ns)
	r := torque(t, uri, `{"_id": 3, "k": "c"}`+"\n\n"+`{"_id": 1, "k": "dup"}`+"\n"+`{"_id": 4}`+"\n", "import", ns)
	oneStderrLine(t, r, 1, "line 3: the server refused the document", "(1 document written before it)")
	r = torque(t, uri, `{"_id": 1, "k": "dup"}`+"\n"+`{"_id": 5}`+"\n", "import", ns, "--ordered=false", "--skip-errors")
	if r.code != 0 || !strings.Contains(r.stderr, "skipped line 1:") {
		t.Errorf("unordered --skip-errors: %+v", r)
	}
	ok(t, uri, `{"k": "a", "v": 10}`+"\n"+`{"k": "z", "v": 26}`+"\n", "import", ns, "--mode", "upsert", "--upsertFields", "k")
	ok(t, uri, `{"_id": 2, "w": true}`+"\n", "import", ns, "--mode", "merge")
	out := ok(t, uri, "", "find", ns, `{"k": {"$in": ["a", "b", "z"]}}`, "--projection", `{"_id": 0}`, "--sort", `{"k": 1}`, "--json")
	want := `{"k":"a","v":10}` + "\n" + `{"k":"b","v":2,"w":true}` + "\n" + `{"k":"z","v":26}` + "\n"
	if out != want {
		t.Errorf("after upsert and merge:\n%s\nwant\n%s", out, want)
	}
	if out := ok(t, uri, "", "count", ns); out != "5\n" {
		t.Errorf("count %s, want 5 (_id 1, 2, 3, 5 and the upserted z: the ordered import stopped before 4)", out)
	}
	r = torque(t, uri, `{"v": 1}`+"\n", "import", ns, "--mode", "upsert", "--upsertFields", "k")
	oneStderrLine(t, r, 1, "line 1: no k field to upsert on")
}

// TestImportArrayAndCSV: a JSON array and CSV (with a header line, numbers
// typed, dotted names nested) import; export writes CSV back.
func TestImportArrayAndCSV(t *testing.T) { bothServers(t, testImportArrayAndCSV) }

func testImportArrayAndCSV(t *testing.T, uri, db string) {
	ok(t, uri, ` [{"_id": 1, "a": [1, 2]},
	  {"_id": 2, "a": {"$numberLong": "3"}}]`, "import", db+".arr")
	if out := ok(t, uri, "", "find", db+".arr", "--json", "--canonical"); out != `{"_id":{"$numberInt":"1"},"a":[{"$numberInt":"1"},{"$numberInt":"2"}]}`+"\n"+
		`{"_id":{"$numberInt":"2"},"a":{"$numberLong":"3"}}`+"\n" {
		t.Errorf("array import: %s", out)
	}
	r := torque(t, uri, `[{"_id": 1}, {"_id": 2, "a": {"$oid": "zz"}}]`, "import", db+".arr2")
	oneStderrLine(t, r, 1, "element 2 of the array: not valid Extended JSON at byte 29 (key \"a\")")

	csv := "_id,name,addr.city,score\n1,Ada,London,9.5\n2,\"Bob, Jr.\",Paris,10\n"
	ok(t, uri, csv, "import", db+".csv", "--type", "csv", "--headerline")
	out := ok(t, uri, "", "find", db+".csv", `{"_id": 2}`, "--json")
	if want := `{"_id":2,"name":"Bob, Jr.","addr":{"city":"Paris"},"score":10}` + "\n"; out != want {
		t.Errorf("CSV import:\n%s\nwant\n%s", out, want)
	}
	out = ok(t, uri, "", "export", db+".csv", "--type", "csv", "--fields", "_id,name,addr.city,score", "--sort", `{"_id": 1}`)
	if want := "_id,name,addr.city,score\n1,Ada,London,9.5\n2,\"Bob, Jr.\",Paris,10\n"; out != want {
		t.Errorf("CSV export:\n%s\nwant\n%s", out, want)
	}
	r = torque(t, uri, "a,b\n1,2,3\n", "import", db+".csv2", "--type", "csv", "--headerline")
	oneStderrLine(t, r, 1, "line 2: 3 values but 2 columns")
	out = ok(t, uri, "", "export", db+".csv", "--fields", "name", "--query", `{"_id": 1}`)
	if out != `{"_id":1,"name":"Ada"}`+"\n" {
		t.Errorf("export --fields --query: %q", out)
	}
}
