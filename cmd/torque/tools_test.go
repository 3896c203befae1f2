package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
)

// TestGridFS: put a file, list it, get it back byte for byte, delete it.
func TestGridFS(t *testing.T) { bothServers(t, testGridFS) }

func testGridFS(t *testing.T, uri, db string) {
	dir := t.TempDir()
	data := make([]byte, 600*1024+7) // three chunks, the last short
	rand.Read(data)
	file := filepath.Join(dir, "blob.bin")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out := ok(t, uri, "", "gridfs", "put", db, file, "--json")
	put, err := bson.ExtJSONToRaw([]byte(out))
	if err != nil {
		t.Fatalf("put --json: %q: %v", out, err)
	}
	if n, _ := put.Lookup("length").AsInt64(); n != int64(len(data)) || put.Lookup("filename").String() != `"blob.bin"` {
		t.Errorf("put: %s", out)
	}
	if out := ok(t, uri, "", "gridfs", "ls", db); !strings.HasPrefix(out, "blob.bin") || !strings.Contains(out, " 614407 ") {
		t.Errorf("ls: %q", out)
	}
	back := filepath.Join(dir, "back.bin")
	ok(t, uri, "", "gridfs", "get", db, "blob.bin", "--out", back)
	if got, err := os.ReadFile(back); err != nil || !bytes.Equal(got, data) {
		t.Errorf("get: %d bytes (%v), want the %d bytes put", len(got), err, len(data))
	}
	if got := ok(t, uri, "", "gridfs", "get", db, "--id", put.Lookup("_id").String()); got != string(data) {
		t.Errorf("get --id to stdout: %d bytes, want %d", len(got), len(data))
	}
	ok(t, uri, "", "gridfs", "rm", db, "blob.bin")
	oneStderrLine(t, torque(t, uri, "", "gridfs", "get", db, "blob.bin"), 1, `file not found: no file named "blob.bin"`)
	if out := ok(t, uri, "", "gridfs", "ls", db, "--json"); out != "" {
		t.Errorf("ls after rm: %q", out)
	}
	oneStderrLine(t, torque(t, uri, "", "gridfs", "cp", db), 2, `unknown gridfs command "cp"`)
}

// TestStatus: FerretDB is a standalone that every read preference selects.
func TestStatus(t *testing.T) {
	uri, _ := ferret(t)
	out := ok(t, uri, "", "status", "--json")
	doc, err := bson.ExtJSONToRaw([]byte(out))
	if err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(uri, "mongodb://"), "/")
	for path, want := range map[string]string{
		"topologyType": `"Single"`, "servers.0.type": `"Standalone"`, "servers.0.address": `"` + host + `"`,
		"servers.0.maxWireVersion": "21", "serverVersion": `"7.0.42"`,
		"selection.write.0": `"` + host + `"`, "selection.secondaryPreferred.0": `"` + host + `"`,
	} {
		if got := doc.Lookup(strings.Split(path, ".")...).String(); got != want {
			t.Errorf("%s = %s, want %s", path, got, want)
		}
	}
	if n, _ := doc.Lookup("poolEvents", "ConnectionCheckedOut").AsInt64(); n < 1 {
		t.Errorf("no checkout counted: %s", out)
	}
	out = ok(t, uri, "", "status")
	for _, w := range []string{"topology:       Single", "Standalone", "primary              " + host} {
		if !strings.Contains(out, w) {
			t.Errorf("status does not say %q:\n%s", w, out)
		}
	}
}

// TestBench: two quick tasks print a positive score each.
func TestBench(t *testing.T) {
	uri, _ := ferret(t)
	tweets(t, 0, false) // skips (or fails under CI) without the data
	out := ok(t, uri, "", "bench", "--tasks", "run-command|small-doc-bulk", "--scale", "1000", "--iterations", "2", "--json")
	ls := lines(out)
	if len(ls) != 2 {
		t.Fatalf("bench printed %d lines, want 2:\n%s", len(ls), out)
	}
	for i, name := range []string{"single/run-command", "multi/small-doc-bulk-insert"} {
		doc, err := bson.ExtJSONToRaw([]byte(ls[i]))
		if err != nil {
			t.Fatal(err)
		}
		mbs, _ := doc.Lookup("mbPerSec").AsFloat64()
		if doc.Lookup("task").String() != `"`+name+`"` || mbs <= 0 {
			t.Errorf("line %d: %s, want %s with a positive score", i+1, ls[i], name)
		}
	}
}
