package engine

import (
	"testing"

	"github.com/torque-go/torque/bson"
)

// fakeCatalog serves fixed collections.
type fakeCatalog map[string][]bson.D

func (c fakeCatalog) Docs(db, coll string) ([]bson.D, error) { return c[db+"."+coll], nil }

func docs(t *testing.T, js string) []bson.D {
	t.Helper()
	var out []bson.D
	for _, d := range val(t, js).(bson.A) {
		out = append(out, d.(bson.D))
	}
	return out
}

func runPipeline(t *testing.T, pipeline, input string, env Env) (string, error) {
	t.Helper()
	stages := docs(t, pipeline)
	p, err := CompilePipeline(stages, env)
	if err != nil {
		return "", err
	}
	out, err := p.Run(docs(t, input))
	if err != nil {
		return "", err
	}
	arr := bson.A{}
	for _, d := range out {
		arr = append(arr, d)
	}
	return js(t, arr), nil
}

// Cases follow the examples of the manual's page for each stage.
func TestPipelineStages(t *testing.T) {
	in := `[{"_id": 1, "item": "a", "price": 10, "qty": 2, "tags": ["x", "y"]},
		{"_id": 2, "item": "b", "price": 20, "qty": 1, "tags": []},
		{"_id": 3, "item": "a", "price": 5, "qty": 10}]`
	cat := fakeCatalog{"db.inv": docs(t, `[{"sku": "a", "n": 1}, {"sku": "b", "n": 2}, {"sku": null, "n": 3}]`)}
	env := Env{DB: "db", Catalog: cat}
	tests := []struct {
		pipeline, want string
	}{
		{`[{"$match": {"item": "a"}}, {"$project": {"qty": 1}}]`, `[{"_id": 1, "qty": 2}, {"_id": 3, "qty": 10}]`},
		{`[{"$group": {"_id": "$item", "total": {"$sum": {"$multiply": ["$price", "$qty"]}}, "n": {"$count": {}}, "avg": {"$avg": "$qty"}}}]`,
			`[{"_id": "a", "total": 70, "n": 2, "avg": 6.0}, {"_id": "b", "total": 20, "n": 1, "avg": 1.0}]`},
		{`[{"$group": {"_id": null, "mn": {"$min": "$price"}, "mx": {"$max": "$price"}, "f": {"$first": "$item"}, "l": {"$last": "$item"}, "p": {"$push": "$_id"}, "s": {"$addToSet": "$item"}}}]`,
			`[{"_id": null, "mn": 5, "mx": 20, "f": "a", "l": "a", "p": [1, 2, 3], "s": ["a", "b"]}]`},
		{`[{"$sort": {"price": -1}}, {"$skip": 1}, {"$limit": 1}, {"$project": {"_id": 1}}]`, `[{"_id": 1}]`},
		{`[{"$count": "n"}]`, `[{"n": 3}]`},
		{`[{"$match": {"x": 1}}, {"$count": "n"}]`, `[]`},
		{`[{"$unwind": "$tags"}, {"$project": {"tags": 1}}]`, `[{"_id": 1, "tags": "x"}, {"_id": 1, "tags": "y"}]`},
		{`[{"$unwind": {"path": "$tags", "includeArrayIndex": "i", "preserveNullAndEmptyArrays": true}}, {"$project": {"tags": 1, "i": 1}}]`,
			`[{"_id": 1, "tags": "x", "i": {"$numberLong": "0"}}, {"_id": 1, "tags": "y", "i": {"$numberLong": "1"}}, {"_id": 2, "i": null}, {"_id": 3, "i": null}]`},
		{`[{"$addFields": {"total": {"$multiply": ["$price", "$qty"]}, "d.e": 1}}, {"$project": {"total": 1, "d": 1}}, {"$limit": 1}]`,
			`[{"_id": 1, "total": 20, "d": {"e": 1}}]`},
		{`[{"$set": {"item": "$$REMOVE"}}, {"$unset": ["tags", "price", "qty"]}, {"$limit": 1}]`, `[{"_id": 1}]`},
		{`[{"$replaceRoot": {"newRoot": {"i": "$item"}}}, {"$limit": 1}]`, `[{"i": "a"}]`},
		{`[{"$replaceWith": {"$mergeObjects": [{"z": 0}, "$$ROOT"]}}, {"$project": {"z": 1, "_id": 0}}, {"$limit": 1}]`, `[{"z": 0}]`},
		{`[{"$sortByCount": "$item"}]`, `[{"_id": "a", "count": 2}, {"_id": "b", "count": 1}]`},
		{`[{"$facet": {"n": [{"$count": "c"}], "items": [{"$group": {"_id": "$item"}}, {"$sort": {"_id": 1}}]}}]`,
			`[{"n": [{"c": 3}], "items": [{"_id": "a"}, {"_id": "b"}]}]`},
		{`[{"$lookup": {"from": "inv", "localField": "item", "foreignField": "sku", "as": "inv"}}, {"$project": {"inv.n": 1}}]`,
			`[{"_id": 1, "inv": [{"n": 1}]}, {"_id": 2, "inv": [{"n": 2}]}, {"_id": 3, "inv": [{"n": 1}]}]`},
		{`[{"$limit": 1}, {"$lookup": {"from": "inv", "let": {"p": "$price"}, "pipeline": [{"$match": {"$expr": {"$lt": ["$n", {"$divide": ["$$p", 5]}]}}}, {"$project": {"_id": 0, "n": 1}}], "as": "r"}}, {"$project": {"r": 1}}]`,
			`[{"_id": 1, "r": [{"n": 1}]}]`},
		{`[{"$match": {"_id": 2}}, {"$unionWith": {"coll": "inv", "pipeline": [{"$match": {"n": 3}}]}}, {"$project": {"n": 1}}]`,
			`[{"_id": 2}, {"n": 3}]`},
		{`[{"$documents": [{"a": 1}, {"a": 2}]}, {"$match": {"a": 2}}]`, `[{"a": 2}]`},
		{`[{"$match": {"_id": 1}}, {"$project": {"n": {"$size": "$tags"}, "c": {"$concat": ["$item", "-", {"$toString": "$price"}]}, "u": {"$toUpper": "$item"}, "e": {"$arrayElemAt": ["$tags", -1]}, "in": {"$in": ["x", "$tags"]}, "cond": {"$cond": [{"$gte": ["$qty", 2]}, "many", "few"]}, "nul": {"$ifNull": ["$nope", "dflt"]}, "lit": {"$literal": "$x"}, "_id": 0}}]`,
			`[{"n": 2, "c": "a-10", "u": "A", "e": "y", "in": true, "cond": "many", "nul": "dflt", "lit": "$x"}]`},
	}
	for _, tc := range tests {
		got, err := runPipeline(t, tc.pipeline, in, env)
		if err != nil {
			t.Errorf("%s: %v", tc.pipeline, err)
			continue
		}
		if want := js(t, val(t, tc.want)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.pipeline, got, want)
		}
	}
}

func TestPipelineOutput(t *testing.T) {
	p, err := CompilePipeline(docs(t, `[{"$match": {}}, {"$merge": {"into": "c", "on": "k", "whenMatched": "replace"}}]`), Env{DB: "db"})
	if err != nil {
		t.Fatal(err)
	}
	o := p.Output()
	if o == nil || !o.Merge || o.DB != "db" || o.Coll != "c" || o.On[0] != "k" || o.WhenMatched != "replace" || o.WhenNotMatched != "insert" {
		t.Errorf("merge output %+v", o)
	}
	p, _ = CompilePipeline(docs(t, `[{"$out": {"db": "x", "coll": "y"}}]`), Env{DB: "db"})
	if o := p.Output(); o == nil || o.Merge || o.DB != "x" || o.Coll != "y" {
		t.Errorf("out output %+v", o)
	}
	merged, err := (&Output{WhenMatched: "merge"}).MergeDocs(doc(t, `{"_id": 1, "a": 1}`), doc(t, `{"_id": 1, "b": 2}`), nil)
	if err != nil || js(t, merged) != js(t, doc(t, `{"_id": 1, "a": 1, "b": 2}`)) {
		t.Errorf("merge: %v %v", merged, err)
	}
}

func TestPipelineErrors(t *testing.T) {
	tests := []struct {
		pipeline string
		code     int32
	}{
		{`[{"$foo": {}}]`, 40324},
		{`[{"$out": "x"}, {"$match": {}}]`, 40601},
		{`[{"$match": {}, "$limit": 1}]`, 40323},
		{`[{"$limit": 0}]`, 15958},
		{`[{"$skip": -1}]`, 15956},
		{`[{"$group": {"x": {"$sum": 1}}}]`, 15955},
		{`[{"$group": {"_id": null, "x": {"$foo": 1}}}]`, 15952},
		{`[{"$unwind": "tags"}]`, 28818},
		{`[{"$project": {"a": {"$nope": 1}}}]`, CodeInvalidPipelineOperator},
		{`[{"$sample": {"size": 1}}]`, CodeBadValue},
		{`[{"$project": {"a": {"$add": 1, "$sub": 2}}}]`, CodeLocation15983},
	}
	for _, tc := range tests {
		_, err := CompilePipeline(docs(t, tc.pipeline), Env{})
		if errCode(err) != tc.code {
			t.Errorf("%s: %v; want code %d", tc.pipeline, err, tc.code)
		}
	}
	_, err := runPipeline(t, `[{"$replaceWith": "$a"}]`, `[{"a": 1}]`, Env{})
	if errCode(err) != 40228 {
		t.Errorf("$replaceWith of a number: %v", err)
	}
}

func TestMergeDocsModes(t *testing.T) {
	existing, incoming := doc(t, `{"_id": 1, "a": 1, "n": 2}`), doc(t, `{"_id": 1, "b": 2, "n": 5}`)
	tests := []struct{ stage, want string }{
		{`{"$merge": {"into": "c", "whenMatched": "replace"}}`, `{"_id": 1, "b": 2, "n": 5}`},
		{`{"$merge": {"into": "c", "whenMatched": "keepExisting"}}`, `{"_id": 1, "a": 1, "n": 2}`},
		{`{"$merge": {"into": "c"}}`, `{"_id": 1, "a": 1, "n": 5, "b": 2}`},
		{`{"$merge": {"into": "c", "whenMatched": [{"$set": {"n": {"$add": ["$n", "$$new.n"]}}}]}}`, `{"_id": 1, "a": 1, "n": 7}`},
		{`{"$merge": {"into": "c", "let": {"inc": "$n"}, "whenMatched": [{"$set": {"n": {"$add": ["$n", "$$inc"]}}}]}}`, `{"_id": 1, "a": 1, "n": 7}`},
	}
	for _, tc := range tests {
		p, err := CompilePipeline([]bson.D{doc(t, tc.stage)}, Env{DB: "db"})
		if err != nil {
			t.Fatalf("%s: %v", tc.stage, err)
		}
		got, err := p.Output().MergeDocs(existing, incoming, nil)
		if err != nil || js(t, got) != js(t, doc(t, tc.want)) {
			t.Errorf("%s: %v %v, want %s", tc.stage, got, err, tc.want)
		}
	}
	if _, err := CompilePipeline([]bson.D{doc(t, `{"$merge": {"into": "c", "whenMatched": "nope"}}`)}, Env{}); errCode(err) != CodeBadValue {
		t.Errorf("bad whenMatched: %v", err)
	}
}
