package engine

import (
	"github.com/torque-go/torque/bson"
)

// projApply applies one projection to one document.
type projApply struct {
	p *Projection
	m MatchInfo
	s *scope
}

// include keeps the fields the tree includes, in the document's order.
func (a *projApply) include(d bson.D, n *projNode, top bool) (bson.D, error) {
	out := bson.D{}
	for _, e := range d {
		c, ok := n.kids[e.Key]
		if !ok {
			continue
		}
		v, keep, err := a.includeValue(e.Value, c, top)
		if err != nil {
			return nil, err
		}
		if keep {
			out = append(out, bson.E{Key: e.Key, Value: v})
		}
	}
	return out, nil
}

// includeValue projects one value in an inclusion projection.
func (a *projApply) includeValue(v any, c *projNode, top bool) (any, bool, error) {
	switch c.kind {
	case projInclude:
		return v, true, nil
	case projExclude, projExpr:
		return nil, false, nil
	case projSlice:
		return sliceValue(v, c), true, nil
	case projElemMatch:
		return a.elemMatchValue(v, c)
	case projPositional:
		return a.positionalValue(v)
	}
	switch x := v.(type) {
	case bson.D:
		r, err := a.include(x, c, false)
		return r, true, err
	case bson.A:
		out := bson.A{}
		for _, e := range x {
			if _, ok := e.(bson.D); !ok {
				if _, ok := e.(bson.A); !ok {
					continue
				}
			}
			r, _, err := a.includeValue(e, c, false)
			if err != nil {
				return nil, false, err
			}
			out = append(out, r)
		}
		return out, true, nil
	}
	return nil, false, nil
}

// exclude removes the fields the tree excludes and applies $slice.
func (a *projApply) exclude(d bson.D, n *projNode) (bson.D, error) {
	out := make(bson.D, 0, len(d))
	for _, e := range d {
		c, ok := n.kids[e.Key]
		if !ok {
			out = append(out, e)
			continue
		}
		switch c.kind {
		case projExclude:
			continue
		case projSlice:
			out = append(out, bson.E{Key: e.Key, Value: sliceValue(e.Value, c)})
			continue
		case projInner:
			v, err := a.excludeValue(e.Value, c)
			if err != nil {
				return nil, err
			}
			out = append(out, bson.E{Key: e.Key, Value: v})
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

func (a *projApply) excludeValue(v any, c *projNode) (any, error) {
	switch x := v.(type) {
	case bson.D:
		return a.exclude(x, c)
	case bson.A:
		out := make(bson.A, len(x))
		for i, e := range x {
			r, err := a.excludeValue(e, c)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// sliceValue applies find's $slice to an array; other values pass.
func sliceValue(v any, c *projNode) any {
	arr, ok := v.(bson.A)
	if !ok {
		return v
	}
	if !c.hasSkip {
		return sliceArray(arr, c.limit)
	}
	if c.limit <= 0 {
		return bson.A{}
	}
	return skipLimit(arr, c.skip, c.limit)
}

func (a *projApply) elemMatchValue(v any, c *projNode) (any, bool, error) {
	arr, ok := v.(bson.A)
	if !ok {
		return nil, false, nil
	}
	var info MatchInfo
	matched, err := c.elemMatch([]candidate{{val: arr, arrayIdx: -1}}, &info)
	if err != nil || !matched {
		return nil, false, err
	}
	return bson.A{arr[info.ArrayIndex]}, true, nil
}

func (a *projApply) positionalValue(v any) (any, bool, error) {
	arr, ok := v.(bson.A)
	if !ok {
		return v, true, nil
	}
	if !a.m.HasIndex || a.m.ArrayIndex >= len(arr) {
		return nil, false, errorf(CodeBadValue, "positional operator '.$' couldn't find a matching element in the array")
	}
	return bson.A{arr[a.m.ArrayIndex]}, true, nil
}
