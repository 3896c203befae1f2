package engine

import (
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
)

// This file holds $group and $sortByCount.

func init() {
	stageCompilers["$group"] = compileGroup
	stageCompilers["$sortByCount"] = compileSortByCount
}

// groupField is one output field of $group: an accumulator over an
// expression.
type groupField struct {
	name string
	op   string
	expr expr
}

type groupStage struct {
	id     expr
	fields []groupField
	vars   Vars
}

// group is the state of one group.
type group struct {
	id   any
	accs []accumulator
}

func compileGroup(arg any, env Env) (stage, error) {
	d, ok := arg.(bson.D)
	if !ok {
		return nil, errorf(15947, "a group's fields must be specified in an object")
	}
	g := &groupStage{vars: env.Vars}
	for _, e := range d {
		if e.Key == "_id" {
			x, err := compileExpr(e.Value, env.Vars)
			if err != nil {
				return nil, err
			}
			g.id = x
			continue
		}
		f, err := compileGroupField(e, env.Vars)
		if err != nil {
			return nil, err
		}
		g.fields = append(g.fields, f)
	}
	if g.id == nil {
		return nil, errorf(15955, "a group specification must include an _id")
	}
	return g, nil
}

func compileGroupField(e bson.E, vars Vars) (groupField, error) {
	if strings.Contains(e.Key, ".") {
		return groupField{}, errorf(40235, "The field name '%s' cannot contain '.'", e.Key)
	}
	acc, ok := e.Value.(bson.D)
	if !ok || len(acc) != 1 {
		return groupField{}, errorf(40238, "The field '%s' must specify one accumulator", e.Key)
	}
	op, arg := acc[0].Key, acc[0].Value
	if op == "$count" {
		op, arg = "$sum", int32(1)
	}
	if _, ok := newAccumulators[op]; !ok {
		if strings.HasPrefix(op, "$") && (strings.HasSuffix(op, "N") || op == "$top" || op == "$bottom" || op == "$median" || op == "$percentile" || op == "$accumulator") {
			return groupField{}, unsupported("the " + op + " accumulator")
		}
		return groupField{}, errorf(15952, "unknown group operator '%s'", op)
	}
	x, err := compileExpr(arg, vars)
	return groupField{name: e.Key, op: op, expr: x}, err
}

func (g *groupStage) run(in []bson.D) ([]bson.D, error) {
	index := map[string]*group{}
	var order []*group
	for _, doc := range in {
		s := newScope(doc, g.vars)
		id, err := g.id.eval(s)
		if err != nil {
			return nil, err
		}
		if id == missing {
			id = nil
		}
		k := groupKey(id, g.vars.Collation())
		gr, ok := index[k]
		if !ok {
			gr = &group{id: id}
			for _, f := range g.fields {
				gr.accs = append(gr.accs, newAccumulator(f.op, g.vars.Collation()))
			}
			index[k] = gr
			order = append(order, gr)
		}
		for i, f := range g.fields {
			v, err := f.expr.eval(s)
			if err != nil {
				return nil, err
			}
			if err := gr.accs[i].add(v); err != nil {
				return nil, err
			}
		}
	}
	out := make([]bson.D, 0, len(order))
	for _, gr := range order {
		d := bson.D{{Key: "_id", Value: gr.id}}
		for i, f := range g.fields {
			d = append(d, bson.E{Key: f.name, Value: gr.accs[i].result()})
		}
		out = append(out, d)
	}
	return out, nil
}

// groupKey is a string equal for values that compare equal (1, 1.0 and
// int64(1) are one group; strings equal under coll too).
func groupKey(v any, coll *Collation) string {
	var b strings.Builder
	writeKey(&b, v, coll)
	return b.String()
}

func writeKey(b *strings.Builder, v any, coll *Collation) {
	switch x := canon(v).(type) {
	case bson.D:
		b.WriteString("{")
		for _, e := range x {
			b.WriteString(itoa(rank(typeOf(e.Value))) + ":" + e.Key + "=")
			writeKey(b, e.Value, coll)
			b.WriteString(",")
		}
		b.WriteString("}")
	case bson.A:
		b.WriteString("[")
		for _, e := range x {
			writeKey(b, e, coll)
			b.WriteString(",")
		}
		b.WriteString("]")
	case int32, int64, float64, bson.Decimal128:
		if isNaN(x) {
			b.WriteString("n:NaN")
			return
		}
		if i, ok := toInt64Exact(x); ok && numKind(x) < 4 {
			b.WriteString("n:" + strconv.FormatInt(i, 10))
			return
		}
		b.WriteString("n:" + toBig(x).Text('g', 40))
	case string, bson.Symbol:
		if coll != nil {
			b.WriteString("s:" + coll.Key(stringOf(x)))
			return
		}
		b.WriteString(itoa(rank(typeOf(x))) + ":" + shortJSON(x))
	default:
		b.WriteString(itoa(rank(typeOf(x))) + ":" + shortJSON(x))
	}
}

func compileSortByCount(arg any, env Env) (stage, error) {
	if s, ok := arg.(string); !ok || !strings.HasPrefix(s, "$") {
		if d, ok := arg.(bson.D); !ok || len(d) == 0 || !strings.HasPrefix(d[0].Key, "$") {
			return nil, errorf(40148, "the sortByCount field must be defined as a $-prefixed path or an expression")
		}
	}
	g, err := compileGroup(bson.D{{Key: "_id", Value: arg}, {Key: "count", Value: bson.D{{Key: "$sum", Value: int32(1)}}}}, env)
	if err != nil {
		return nil, err
	}
	s, err := compileSortStage(bson.D{{Key: "count", Value: int32(-1)}}, env)
	if err != nil {
		return nil, err
	}
	return stageFunc(func(in []bson.D) ([]bson.D, error) {
		out, err := g.run(in)
		if err != nil {
			return nil, err
		}
		return s.run(out)
	}), nil
}
