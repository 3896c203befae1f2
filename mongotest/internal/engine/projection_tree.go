package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// projKind is what a projection does at one path.
type projKind int

const (
	projInner      projKind = iota // only has children
	projInclude                    // 1 / true
	projExclude                    // 0 / false
	projExpr                       // a computed value
	projSlice                      // find's {$slice: n} or [skip, limit]
	projElemMatch                  // find's {$elemMatch: filter}
	projPositional                 // find's "a.$": 1
)

// projNode is one path component of a projection; the tree keeps the
// order of the specification.
type projNode struct {
	kind        projKind
	keys        []string
	kids        map[string]*projNode
	expr        expr
	skip, limit int64
	hasSkip     bool
	elemMatch   pathTest
}

// child returns the child for key, creating it.
func (n *projNode) child(key string) *projNode {
	if n.kids == nil {
		n.kids = map[string]*projNode{}
	}
	c, ok := n.kids[key]
	if !ok {
		c = &projNode{}
		n.kids[key] = c
		n.keys = append(n.keys, key)
	}
	return c
}

// add puts leaf at the dotted path, refusing a path that collides with
// one already there.
func (n *projNode) add(path string, leaf *projNode) error {
	parts := splitPath(path)
	for _, p := range parts {
		if p == "" {
			return errorf(40352, "FieldPath field names may not be empty strings.")
		}
	}
	cur := n
	for i, p := range parts {
		if i == len(parts)-1 {
			if old, ok := cur.kids[p]; ok && (old.kind != projInner || leaf.kind == projInner || len(old.kids) > 0) {
				return errorf(31250, "Path collision at %s", path)
			}
			cur.child(p)
			cur.kids[p] = leaf
			return nil
		}
		cur = cur.child(p)
		if cur.kind != projInner {
			return errorf(31250, "Path collision at %s remaining portion %s", path, strings.Join(parts[i+1:], "."))
		}
	}
	return nil
}

// has reports whether the tree holds a node of kind k.
func (n *projNode) has(k projKind) bool {
	if n.kind == k {
		return true
	}
	for _, c := range n.kids {
		if c.has(k) {
			return true
		}
	}
	return false
}

// setComputed evaluates the computed nodes of the tree under n against
// the scope and writes them into v, which is a document, an array of them,
// or anything else (replaced by a new document); $addFields and the
// computed fields of $project use it.
func setComputed(v any, n *projNode, s *scope) (any, error) {
	switch x := v.(type) {
	case bson.A:
		out := make(bson.A, len(x))
		for i, e := range x {
			r, err := setComputed(e, n, s)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case bson.D:
		return setComputedDoc(append(bson.D{}, x...), n, s)
	}
	return setComputedDoc(bson.D{}, n, s)
}

func setComputedDoc(d bson.D, n *projNode, s *scope) (any, error) {
	for _, k := range n.keys {
		c := n.kids[k]
		switch c.kind {
		case projExpr:
			v, err := c.expr.eval(s)
			if err != nil {
				return nil, err
			}
			if v == missing {
				d = removeField(d, k)
			} else {
				d = setField(d, k, v)
			}
		case projInner:
			old, _ := lookup(d, k)
			if !c.has(projExpr) {
				continue
			}
			v, err := setComputed(old, c, s)
			if err != nil {
				return nil, err
			}
			d = setField(d, k, v)
		}
	}
	return d, nil
}
