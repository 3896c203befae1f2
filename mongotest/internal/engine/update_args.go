package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// compileArg checks and compiles the argument of one modifier.
func (m *modifier) compileArg() error {
	switch m.op {
	case "$inc", "$mul":
		if !isNumber(m.arg) {
			verb := map[string]string{"$inc": "increment", "$mul": "multiply"}[m.op]
			return errorf(CodeTypeMismatch, "Cannot %s with non-numeric argument: {%s: %s}", verb, m.path, shortJSON(m.arg))
		}
	case "$rename":
		return m.compileRename()
	case "$currentDate":
		return checkCurrentDate(m.arg)
	case "$pop":
		n, ok := toFloat(m.arg)
		if !ok || (n != 1 && n != -1) {
			return errorf(CodeFailedToParse, "$pop expects 1 or -1, found: %s", shortJSON(m.arg))
		}
	case "$pullAll":
		if !isArray(m.arg) {
			return errorf(CodeBadValue, "$pullAll requires an array argument but was given a %s", typeName(typeOf(m.arg)))
		}
	case "$push", "$addToSet":
		p, err := compilePush(m.op, m.arg, m.coll)
		m.push = p
		return err
	case "$pull":
		p, err := compilePull(m.arg, Vars{}.WithCollation(m.coll))
		m.pull = p
		return err
	}
	return nil
}

func (m *modifier) compileRename() error {
	to, ok := m.arg.(string)
	switch {
	case !ok:
		return errorf(CodeBadValue, "The 'to' field for $rename must be a string: %s: %s", m.path, shortJSON(m.arg))
	case to == "":
		return errorf(CodeBadValue, "The update path '' contains an empty field name, which is not allowed.")
	case to == m.path:
		return errorf(CodeBadValue, "The source and target field for $rename must differ: %s: \"%s\"", m.path, to)
	case strings.HasPrefix(to, m.path+".") || strings.HasPrefix(m.path, to+"."):
		return errorf(CodeBadValue, "The source and target field for $rename must not be on the same path: %s: \"%s\"", m.path, to)
	case strings.Contains(m.path, "$"):
		return errorf(CodeBadValue, "The source field for $rename may not be dynamic: %s", m.path)
	case strings.Contains(to, "$"):
		return errorf(CodeBadValue, "The destination field for $rename may not be dynamic: %s", to)
	}
	m.to = splitPath(to)
	return nil
}

func checkCurrentDate(v any) error {
	if _, ok := v.(bool); ok {
		return nil
	}
	if d, ok := v.(bson.D); ok && len(d) == 1 && d[0].Key == "$type" {
		if s, _ := d[0].Value.(string); s == "date" || s == "timestamp" {
			return nil
		}
	}
	return errorf(CodeBadValue, "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}")
}

// pushSpec is the argument of $push or $addToSet.
type pushSpec struct {
	each     bson.A
	slice    *int64
	position *int64
	sort     *pushSort
}

type pushSort struct {
	whole bool // sort the elements themselves
	desc  bool
	by    *Sort
	coll  *Collation // for whole
}

func compilePush(op string, arg any, coll *Collation) (*pushSpec, error) {
	d, ok := arg.(bson.D)
	if !ok || len(d) == 0 || d[0].Key != "$each" {
		return &pushSpec{each: bson.A{arg}}, nil
	}
	each, ok := d[0].Value.(bson.A)
	if !ok {
		return nil, errorf(CodeBadValue, "The argument to $each in %s must be an array but it was of type: %s", op, typeName(typeOf(d[0].Value)))
	}
	p := &pushSpec{each: each}
	for _, e := range d[1:] {
		if op == "$addToSet" {
			return nil, errorf(CodeBadValue, "Found unexpected fields after $each in $addToSet: %s", shortJSON(arg))
		}
		if err := p.clause(e, coll); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *pushSpec) clause(e bson.E, coll *Collation) error {
	switch e.Key {
	case "$slice", "$position":
		n, ok := toInt64Exact(e.Value)
		if !ok {
			return errorf(CodeBadValue, "The value for %s must be an integer value but was given type: %s", e.Key, typeName(typeOf(e.Value)))
		}
		if e.Key == "$slice" {
			p.slice = &n
		} else {
			p.position = &n
		}
	case "$sort":
		s, err := compilePushSort(e.Value, coll)
		p.sort = s
		return err
	default:
		return errorf(CodeBadValue, "Unrecognized clause in $push: %s", e.Key)
	}
	return nil
}

func compilePushSort(v any, coll *Collation) (*pushSort, error) {
	if n, ok := toFloat(v); ok && isNumber(v) {
		if n != 1 && n != -1 {
			return nil, errorf(CodeBadValue, "The $sort element value must be either 1 or -1")
		}
		return &pushSort{whole: true, desc: n < 0, coll: coll}, nil
	}
	d, ok := v.(bson.D)
	if !ok || len(d) == 0 {
		return nil, errorf(CodeBadValue, "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields")
	}
	s, err := CompileSort(d)
	if err != nil {
		return nil, errorf(CodeBadValue, "The $sort element value must be either 1 or -1")
	}
	return &pushSort{by: s.WithCollation(coll)}, nil
}

// compilePull compiles $pull's condition on one element: a filter on
// document elements, operators on the element's value, or equality.
func compilePull(arg any, vars Vars) (func(any) (bool, error), error) {
	if d, ok := arg.(bson.D); ok && len(d) > 0 && !isValueForm(d) {
		m, err := compileFilterDoc(d, vars)
		if err != nil {
			return nil, err
		}
		return func(e any) (bool, error) {
			sub, ok := e.(bson.D)
			if !ok {
				return false, nil
			}
			var scratch MatchInfo
			return m.match(sub, &scratch)
		}, nil
	}
	tests, err := compileFieldCond(arg, vars)
	if err != nil {
		return nil, err
	}
	return func(e any) (bool, error) {
		var scratch MatchInfo
		return allTests(tests, []candidate{{val: e, arrayIdx: -1}}, &scratch)
	}, nil
}

// shortJSON renders a value for an error message.
func shortJSON(v any) string {
	b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, false, false)
	if err != nil {
		return "?"
	}
	s := string(b)
	s = strings.TrimPrefix(s, `{"v":`)
	s = strings.TrimSuffix(s, "}")
	return strings.TrimSpace(s)
}
