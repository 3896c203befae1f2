package mongotest_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/testenv"
	"github.com/torque-go/torque/mongotest"
)

// The differential test runs one seeded random workload against mongotest
// and against FerretDB (a real server: testenv.URI) and compares every
// answer: inserts, updates with every update operator FerretDB has,
// deletes, finds (filters, projections, sorts, skip, limit) and
// aggregations, and the whole collection after each write. It keeps to
// the subset FerretDB v1.24 implements (no arrayFilters, update pipelines,
// $out/$merge, dotted field names). A difference fails the test with the
// seed and the operation; run it again with
//
//	scripts/testservers.sh run -- go test ./mongotest/ -run TestDifferential -mongotest.seed N -mongotest.ops M
var (
	diffSeed = flag.Uint64("mongotest.seed", 1, "seed of TestDifferential's random workload")
	diffOps  = flag.Int("mongotest.ops", 300, "number of operations of TestDifferential")
)

// diffTarget is one of the two servers.
type diffTarget struct {
	name string
	coll *client.Collection
}

func TestDifferential(t *testing.T) {
	uri := testenv.URI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	mt, _ := connect(t, mongotest.New(t))
	fd, err := client.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fd.Disconnect(context.Background()) })
	db := fmt.Sprintf("differential_%d", time.Now().UnixNano())
	targets := [2]diffTarget{{"mongotest", mt.Database(db).Collection("c")}, {"ferretdb", fd.Database(db).Collection("c")}}
	t.Cleanup(func() { _ = fd.Database(db).Drop(context.Background()) })

	g := &diffGen{r: rand.New(rand.NewPCG(*diffSeed, 0))}
	t.Logf("seed %d, %d operations", *diffSeed, *diffOps)
	counts := map[string]int{}
	before := "[]" // the collection before the operation (mongotest's)
	for i := range *diffOps {
		op := g.op()
		got := [2]string{}
		for j, tg := range targets {
			got[j] = op.run(ctx, tg.coll)
		}
		if strings.HasPrefix(got[1], ferretNotImplemented) {
			counts[got[1]]++ // outside the compared subset
			continue
		}
		counts[op.kind]++
		if !sameAnswer(got[0], got[1]) {
			t.Fatalf("seed %d, operation %d: %s\n  mongotest: %s\n  ferretdb:  %s\n  collection before: %s", *diffSeed, i, op.desc, got[0], got[1], before)
		}
		if op.writes {
			state := [2]string{}
			for j, tg := range targets {
				state[j] = diffFind{filter: bson.D{}}.run(ctx, tg.coll)
			}
			if state[0] != state[1] {
				t.Fatalf("seed %d, after operation %d: %s\n  mongotest: %s\n  ferretdb:  %s\n  collection before: %s", *diffSeed, i, op.desc, state[0], state[1], before)
			}
			before = state[0]
		}
	}
	t.Logf("operations compared: %v", counts)
	if counts["find"] == 0 || counts["update"] == 0 {
		t.Errorf("the workload compared no find or no update: %v", counts)
	}
}

// ferretNotImplemented marks an answer FerretDB refused as not
// implemented (code 238): outside the subset the test compares.
const ferretNotImplemented = "FerretDB NotImplemented: "

// diffOp is one operation of the workload.
type diffOp struct {
	kind, desc string
	writes     bool
	run        func(ctx context.Context, c *client.Collection) string
}

// answer renders a result or an error so that two servers' answers can be
// compared: documents as canonical Extended JSON (types included), errors
// as "error: " and the message (sameAnswer compares only their presence:
// codes and messages differ between servers), FerretDB's NotImplemented
// apart.
func answer(v any, err error) string {
	if err != nil {
		var ce *client.CommandError
		if errors.As(err, &ce) && ce.Code == 238 {
			return ferretNotImplemented + ce.Message
		}
		var we *client.WriteException
		if errors.As(err, &we) && len(we.WriteErrors) > 0 && we.WriteErrors[0].Code == 238 {
			return ferretNotImplemented + we.WriteErrors[0].Message
		}
		return "error: " + err.Error()
	}
	b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, true, false)
	if err != nil {
		return "unmarshalable: " + err.Error()
	}
	return objectIDs.ReplaceAllString(string(b), `{"$$oid":"generated"}`)
}

// objectIDs are the ObjectIds the servers generate (upserts): they differ.
var objectIDs = regexp.MustCompile(`\{"\$oid":"[0-9a-f]{24}"\}`)

// sameAnswer compares two answers, errors by their presence only.
func sameAnswer(a, b string) bool {
	if strings.HasPrefix(a, "error: ") && strings.HasPrefix(b, "error: ") {
		return true
	}
	return a == b
}

// diffFind is a find: its documents, sorted by the sort then _id.
type diffFind struct {
	filter, projection, sort bson.D
	skip, limit              int64
}

func (f diffFind) run(ctx context.Context, c *client.Collection) string {
	sort := append(append(bson.D{}, f.sort...), bson.E{Key: "_id", Value: int32(1)})
	opts := client.FindOptions{Sort: sort, Skip: f.skip, Limit: f.limit}
	if f.projection != nil {
		opts.Projection = f.projection
	}
	cur, err := c.Find(ctx, f.filter, opts)
	if err != nil {
		return answer(nil, err)
	}
	var docs []bson.Raw
	err = cur.All(ctx, &docs)
	return answer(docs, err)
}

// aggregateAnswer runs an aggregation; unordered sorts the documents'
// Extended JSON before comparison.
func aggregateAnswer(ctx context.Context, c *client.Collection, pipeline bson.A, unordered bool) string {
	cur, err := c.Aggregate(ctx, pipeline)
	if err != nil {
		return answer(nil, err)
	}
	var docs []bson.Raw
	if err = cur.All(ctx, &docs); err != nil || !unordered {
		return answer(docs, err)
	}
	each := make([]string, len(docs))
	for i, d := range docs {
		each[i] = answer(d, nil)
	}
	slices.Sort(each)
	return strings.Join(each, ",")
}
