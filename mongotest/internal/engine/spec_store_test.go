package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/torque-go/torque/bson"
)

// args reads an operation's arguments.
type simArgs struct {
	t *testing.T
	m map[string]json.RawMessage
}

func (a simArgs) get(k string) (any, bool) {
	raw, ok := a.m[k]
	if !ok {
		return nil, false
	}
	return rawVal(a.t, raw), true
}

func (a simArgs) doc(k string) bson.D {
	v, _ := a.get(k)
	d, _ := v.(bson.D)
	return d
}

func (a simArgs) vars() Vars {
	v, err := EvalLet(a.doc("let"), nil)
	if err != nil {
		a.t.Fatalf("let: %v", err)
	}
	return v
}

func (s *simStore) run(t *testing.T, op simOp) (any, error) {
	a := simArgs{t: t, m: op.Arguments}
	coll := s.names[op.Object]
	if op.Name == "bulkWrite" {
		return s.bulk(t, coll, a)
	}
	return s.one(coll, op.Name, a)
}

func (s *simStore) one(coll, name string, a simArgs) (any, error) {
	switch name {
	case "find", "findOne", "countDocuments":
		return s.find(coll, name, a)
	case "aggregate":
		return s.aggregate(coll, a)
	case "insertOne":
		s.colls[coll] = append(s.colls[coll], a.doc("document"))
		id, _ := lookup(a.doc("document"), "_id")
		return bson.D{{Key: "insertedId", Value: id}}, nil
	case "insertMany":
		v, _ := a.get("documents")
		ids := bson.D{}
		for i, d := range v.(bson.A) {
			s.colls[coll] = append(s.colls[coll], d.(bson.D))
			id, _ := lookup(d.(bson.D), "_id")
			ids = append(ids, bson.E{Key: itoa(i), Value: id})
		}
		return bson.D{{Key: "insertedIds", Value: ids}}, nil
	case "deleteOne", "deleteMany", "findOneAndDelete":
		return s.delete(coll, name, a)
	}
	return s.update(coll, name, a)
}

// matching returns the indexes of the documents the filter matches, in
// sort order.
func (s *simStore) matching(coll string, a simArgs) ([]int, []MatchInfo, error) {
	f, err := CompileFilter(a.doc("filter"), a.vars())
	if err != nil {
		return nil, nil, err
	}
	var idx []int
	var infos []MatchInfo
	for i, d := range s.colls[coll] {
		m, ok, err := f.Match(d)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			idx, infos = append(idx, i), append(infos, m)
		}
	}
	if srt := a.doc("sort"); len(srt) > 0 {
		so, err := CompileSort(srt)
		if err != nil {
			return nil, nil, err
		}
		order := make([]int, len(idx))
		for i := range order {
			order[i] = i
		}
		docs := s.colls[coll]
		slices.SortStableFunc(order, func(x, y int) int { return so.Compare(docs[idx[x]], docs[idx[y]]) })
		var idx2 []int
		var infos2 []MatchInfo
		for _, o := range order {
			idx2, infos2 = append(idx2, idx[o]), append(infos2, infos[o])
		}
		idx, infos = idx2, infos2
	}
	return idx, infos, nil
}

func (s *simStore) find(coll, name string, a simArgs) (any, error) {
	idx, infos, err := s.matching(coll, a)
	if err != nil {
		return nil, err
	}
	skip, _ := a.get("skip")
	limit, _ := a.get("limit")
	n, _ := toInt64Exact(skip)
	l, _ := toInt64Exact(limit)
	idx, infos = idx[min(int(n), len(idx)):], infos[min(int(n), len(infos)):]
	if l < 0 {
		l = -l
	}
	if l > 0 && int(l) < len(idx) {
		idx, infos = idx[:l], infos[:l]
	}
	if name == "countDocuments" {
		return int64(len(idx)), nil
	}
	p, err := CompileProjection(a.doc("projection"), a.vars())
	if err != nil {
		return nil, err
	}
	out := bson.A{}
	for i, j := range idx {
		d, err := p.Apply(s.colls[coll][j], infos[i])
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if name == "findOne" {
		if len(out) == 0 {
			return nil, nil
		}
		return out[0], nil
	}
	return out, nil
}

func (s *simStore) aggregate(coll string, a simArgs) (any, error) {
	pv, _ := a.get("pipeline")
	var stages []bson.D
	for _, st := range pv.(bson.A) {
		stages = append(stages, st.(bson.D))
	}
	p, err := CompilePipeline(stages, Env{DB: "db", Vars: a.vars(), Catalog: simCatalog{s}})
	if err != nil {
		return nil, err
	}
	docs, err := p.Run(slices.Clone(s.colls[coll]))
	if err != nil {
		return nil, err
	}
	if o := p.Output(); o != nil {
		if err := s.write(o, docs); err != nil {
			return nil, err
		}
		docs = s.colls[o.Coll]
	}
	out := bson.A{}
	for _, d := range docs {
		out = append(out, d)
	}
	return out, nil
}

type simCatalog struct{ s *simStore }

func (c simCatalog) Docs(db, coll string) ([]bson.D, error) { return c.s.colls[coll], nil }

// write stores a pipeline's output as $out or $merge would.
func (s *simStore) write(o *Output, docs []bson.D) error {
	if !o.Merge {
		s.colls[o.Coll] = docs
		return nil
	}
	for _, d := range docs {
		id, _ := lookup(d, "_id")
		found := false
		for i, e := range s.colls[o.Coll] {
			if eid, _ := lookup(e, "_id"); Equal(eid, id) {
				m, err := o.MergeDocs(e, d, nil)
				if err != nil {
					return err
				}
				s.colls[o.Coll][i], found = m, true
			}
		}
		if !found && o.WhenNotMatched == "insert" {
			s.colls[o.Coll] = append(s.colls[o.Coll], d)
		}
	}
	return nil
}

func (s *simStore) delete(coll, name string, a simArgs) (any, error) {
	idx, _, err := s.matching(coll, a)
	if err != nil {
		return nil, err
	}
	if name != "deleteMany" && len(idx) > 1 {
		idx = idx[:1]
	}
	var first any
	if len(idx) > 0 {
		first = s.colls[coll][idx[0]]
	}
	slices.Sort(idx)
	for i := len(idx) - 1; i >= 0; i-- {
		s.colls[coll] = slices.Delete(s.colls[coll], idx[i], idx[i]+1)
	}
	if name == "findOneAndDelete" {
		return first, nil
	}
	return bson.D{{Key: "deletedCount", Value: int64(len(idx))}}, nil
}

func (s *simStore) update(coll, name string, a simArgs) (any, error) {
	upd, ok := a.get("update")
	if !ok {
		upd, _ = a.get("replacement")
	}
	var filters []bson.D
	if af, ok := a.get("arrayFilters"); ok {
		for _, f := range af.(bson.A) {
			filters = append(filters, f.(bson.D))
		}
	}
	up, _ := a.get("upsert")
	u, err := CompileUpdate(upd, UpdateOptions{ArrayFilters: filters, Vars: a.vars(), Upsert: up == true})
	if err != nil {
		return nil, err
	}
	idx, infos, err := s.matching(coll, a)
	if err != nil {
		return nil, err
	}
	if name != "updateMany" && len(idx) > 1 {
		idx, infos = idx[:1], infos[:1]
	}
	res := bson.D{{Key: "matchedCount", Value: int64(len(idx))}}
	modified := int64(0)
	var before, after any
	for i, j := range idx {
		r, err := u.Apply(s.colls[coll][j], infos[i])
		if err != nil {
			return nil, err
		}
		before, after = s.colls[coll][j], r.Doc
		s.colls[coll][j] = r.Doc
		if r.Modified {
			modified++
		}
	}
	res = append(res, bson.E{Key: "modifiedCount", Value: modified})
	if len(idx) == 0 && up == true {
		r, err := u.Upsert(a.doc("filter"))
		if err != nil {
			return nil, err
		}
		id, ok := lookup(r.Doc, "_id")
		if !ok {
			id = bson.NewObjectID()
			r.Doc = append(bson.D{{Key: "_id", Value: id}}, r.Doc...)
		}
		s.colls[coll] = append(s.colls[coll], r.Doc)
		after = r.Doc
		res = append(res, bson.E{Key: "upsertedCount", Value: int64(1)}, bson.E{Key: "upsertedId", Value: id})
	} else {
		res = append(res, bson.E{Key: "upsertedCount", Value: int64(0)})
	}
	if name == "findOneAndUpdate" || name == "findOneAndReplace" {
		return s.findAndModifyResult(a, before, after)
	}
	return res, nil
}

func (s *simStore) findAndModifyResult(a simArgs, before, after any) (any, error) {
	rd, _ := a.get("returnDocument")
	v := before
	if rd == "After" {
		v = after
	}
	if v == nil {
		return nil, nil
	}
	p, err := CompileProjection(a.doc("projection"), nil)
	if err != nil {
		return nil, err
	}
	return p.Apply(v.(bson.D), MatchInfo{})
}

// bulk runs bulkWrite's requests and sums their results.
func (s *simStore) bulk(t *testing.T, coll string, a simArgs) (any, error) {
	var raws []map[string]map[string]json.RawMessage
	if err := json.Unmarshal(a.m["requests"], &raws); err != nil {
		return nil, err
	}
	var ins, matched, modified, deleted, upserted int64
	upsertedIDs := bson.D{}
	for i, req := range raws {
		for name, args := range req {
			if l, ok := a.m["let"]; ok {
				args["let"] = l
			}
			r, err := s.one(coll, name, simArgs{t: t, m: args})
			if err != nil {
				return nil, fmt.Errorf("request %d: %v", i, err)
			}
			d, _ := r.(bson.D)
			get := func(k string) int64 { v, _ := lookup(d, k); n, _ := toInt64Exact(v); return n }
			switch name {
			case "insertOne":
				ins++
			case "deleteOne", "deleteMany":
				deleted += get("deletedCount")
			default:
				matched += get("matchedCount")
				modified += get("modifiedCount")
				if get("upsertedCount") > 0 {
					upserted++
					id, _ := lookup(d, "upsertedId")
					upsertedIDs = append(upsertedIDs, bson.E{Key: itoa(i), Value: id})
				}
			}
		}
	}
	return bson.D{{Key: "deletedCount", Value: deleted}, {Key: "insertedCount", Value: ins},
		{Key: "matchedCount", Value: matched}, {Key: "modifiedCount", Value: modified},
		{Key: "upsertedCount", Value: upserted}, {Key: "upsertedIds", Value: upsertedIDs}}, nil
}
