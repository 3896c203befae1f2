package engine

import (
	"slices"

	"github.com/torque-go/torque/bson"
)

// arrayValue computes the new array of $push, $addToSet, $pull, $pullAll
// and $pop.
func (mod *modifier) arrayValue(old any, exists bool, p []string, id string) (any, bool, error) {
	field := p[len(p)-1]
	if !exists {
		if mod.op == "$push" || mod.op == "$addToSet" {
			return mod.grow(bson.A{})
		}
		return nil, false, nil
	}
	arr, ok := old.(bson.A)
	if !ok {
		return nil, false, notArray(mod.op, field, old, id)
	}
	switch mod.op {
	case "$push", "$addToSet":
		return mod.grow(arr)
	case "$pop":
		if len(arr) == 0 {
			return nil, false, nil
		}
		if n, _ := toFloat(mod.arg); n > 0 {
			return append(bson.A{}, arr[:len(arr)-1]...), true, nil
		}
		return append(bson.A{}, arr[1:]...), true, nil
	}
	return mod.shrink(arr)
}

func notArray(op, field string, v any, id string) error {
	t := typeName(typeOf(v))
	switch op {
	case "$push":
		return errorf(CodeBadValue, "The field '%s' must be an array but is of type %s in document %s", field, t, id)
	case "$addToSet":
		return errorf(CodeBadValue, "Cannot apply $addToSet to non-array field. Field named '%s' has non-array type %s", field, t)
	case "$pop":
		return errorf(CodeTypeMismatch, "Path '%s' contains an element of non-array type '%s'", field, t)
	}
	return errorf(CodeBadValue, "Cannot apply %s to a non-array value", op)
}

// grow is $push and $addToSet.
func (mod *modifier) grow(arr bson.A) (any, bool, error) {
	out := append(bson.A{}, arr...)
	ps := mod.push
	if mod.op == "$addToSet" {
		for _, e := range ps.each {
			if !slices.ContainsFunc(out, func(x any) bool { return EqualWith(mod.coll, x, e) }) {
				out = append(out, e)
			}
		}
		return out, true, nil
	}
	pos := int64(len(out))
	if ps.position != nil {
		pos = *ps.position
		if pos < 0 {
			pos = max(0, int64(len(out))+pos)
		}
		pos = min(pos, int64(len(out)))
	}
	out = slices.Insert(out, int(pos), ps.each...)
	if ps.sort != nil {
		ps.sort.apply(out)
	}
	if ps.slice != nil {
		out = sliceArray(out, *ps.slice)
	}
	return out, true, nil
}

func (s *pushSort) apply(a bson.A) {
	slices.SortStableFunc(a, func(x, y any) int {
		var c int
		if s.whole {
			c = CompareWith(s.coll, x, y)
			if s.desc {
				c = -c
			}
			return c
		}
		xd, _ := x.(bson.D)
		yd, _ := y.(bson.D)
		return s.by.Compare(xd, yd)
	})
}

// shrink is $pull and $pullAll.
func (mod *modifier) shrink(arr bson.A) (any, bool, error) {
	out := bson.A{}
	for _, e := range arr {
		var drop bool
		if mod.op == "$pullAll" {
			drop = slices.ContainsFunc(mod.arg.(bson.A), func(x any) bool { return EqualWith(mod.coll, x, e) })
		} else {
			var err error
			if drop, err = mod.pull(e); err != nil {
				return nil, false, err
			}
		}
		if !drop {
			out = append(out, e)
		}
	}
	return out, true, nil
}
