package engine

import (
	"testing"

	"github.com/torque-go/torque/bson"
)

func benchDoc(b *testing.B) bson.D {
	return doc(b, `{"_id": 7, "name": "widget", "qty": 12, "tags": ["a", "b", "c"],
		"sizes": [{"h": 14, "w": 21}, {"h": 8, "w": 10}], "price": {"$numberDecimal": "9.99"}}`)
}

func BenchmarkFilterMatch(b *testing.B) {
	f, err := CompileFilter(doc(b, `{"qty": {"$gte": 10}, "tags": "b", "sizes.h": {"$lt": 10}}`), nil)
	if err != nil {
		b.Fatal(err)
	}
	d := benchDoc(b)
	b.ReportAllocs()
	for range b.N {
		if _, ok, _ := f.Match(d); !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkUpdateApply(b *testing.B) {
	u, err := CompileUpdate(doc(b, `{"$inc": {"qty": 1}, "$set": {"sizes.1.h": 9}, "$push": {"tags": "d"}}`), UpdateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	d := benchDoc(b)
	b.ReportAllocs()
	for range b.N {
		if _, err := u.Apply(d, MatchInfo{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPipelineGroup(b *testing.B) {
	p, err := CompilePipeline([]bson.D{doc(b, `{"$group": {"_id": "$k", "n": {"$sum": "$v"}}}`)}, Env{})
	if err != nil {
		b.Fatal(err)
	}
	in := make([]bson.D, 1000)
	for i := range in {
		in[i] = bson.D{{Key: "k", Value: int32(i % 10)}, {Key: "v", Value: int32(i)}}
	}
	b.ReportAllocs()
	for range b.N {
		if out, err := p.Run(in); err != nil || len(out) != 10 {
			b.Fatal(out, err)
		}
	}
}
