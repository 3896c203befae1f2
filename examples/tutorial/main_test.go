package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/testenv"
	"github.com/torque-go/torque/mongotest"
)

// objectID matches the hex of an ObjectID, which differs on every run.
var objectID = regexp.MustCompile(`[0-9a-f]{24}`)

// The tutorial's output, with "..." for the ObjectIDs, as Motor's
// tutorial shows it (in Extended JSON).
const want = `result ObjectID("...")
inserted 2000 docs
{"_id":{"$oid":"..."},"i":0}
{"_id":{"$oid":"..."},"i":0}
{"_id":{"$oid":"..."},"i":1}
{"_id":{"$oid":"..."},"i":2}
{"_id":{"$oid":"..."},"i":3}
{"_id":{"$oid":"..."},"i":4}
{"_id":{"$oid":"..."},"i":0}
{"_id":{"$oid":"..."},"i":1}
{"_id":{"$oid":"..."},"i":2}
{"_id":{"$oid":"..."},"i":1}
2000 documents in collection
999 documents where i > 1000
found document: {"_id":{"$oid":"..."},"i":50}
replaced 1 document
document is now {"_id":{"$oid":"..."},"key":"value"}
updated 1 document
document is now {"_id":{"$oid":"..."},"i":51,"key":"value"}
2000 documents before calling delete_many()
1000 documents after
response: {"n":1000,"ok":1.0}
`

// TestTutorial runs the tutorial against FerretDB (the real server of
// make test), TestTutorialMem against mongotest (what make demo-mem uses).
func TestTutorial(t *testing.T) {
	runTutorial(t, testenv.URI(t))
}

func TestTutorialMem(t *testing.T) {
	runTutorial(t, mongotest.New(t).URI())
}

func runTutorial(t *testing.T, uri string) {
	// Generous: FerretDB on a loaded 2-core machine took over a minute.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	db := c.Database("tutorial_" + randomSuffix(t))
	defer db.Drop(context.Background())

	var out bytes.Buffer
	if err := tutorial(ctx, db, &out); err != nil {
		t.Fatalf("tutorial: %v\noutput so far:\n%s", err, out.String())
	}
	got := objectID.ReplaceAllString(out.String(), "...")
	if got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	// The replaced document kept its _id: the two lines show the same one.
	lines := strings.Split(out.String(), "\n")
	if id := objectID.FindString(lines[14]); id == "" || id != objectID.FindString(lines[16]) {
		t.Errorf("the replaced document's _id changed: %q, %q", lines[14], lines[16])
	}

	// update_many prints nothing: check what it did. {key: "value"} is in
	// i = 101 ... 999 (the rest went with delete_many), i = 51 and the
	// replaced document.
	n, err := db.Collection("test_collection").CountDocuments(ctx, bson.D{bson.KV("key", "value")})
	if err != nil || n != 899+2 {
		t.Errorf("documents with key = value: %d, %v; want 901", n, err)
	}
}

func randomSuffix(t *testing.T) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
