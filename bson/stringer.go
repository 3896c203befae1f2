package bson

import "sort"

// String returns d as relaxed Extended JSON, as Raw.String does, so that
// fmt's %v and %s print documents as MongoDB shows them; a value that
// cannot be marshaled gives "<invalid BSON: ...>".
func (d D) String() string { return stringOf(sortedMaps(d)) }

// String returns m as relaxed Extended JSON with its keys (and those of
// the maps inside it) in sorted order, as fmt prints maps.
func (m M) String() string { return stringOf(sortedMaps(m)) }

// String returns a as a relaxed Extended JSON array.
func (a A) String() string {
	t, b, err := MarshalValue(sortedMaps(a))
	if err != nil {
		return "<invalid BSON: " + err.Error() + ">"
	}
	return RawValue{Type: t, Value: b}.String()
}

func stringOf(doc any) string {
	b, err := MarshalExtJSON(doc, false, false)
	if err != nil {
		return "<invalid BSON: " + err.Error() + ">"
	}
	return string(b)
}

// sortedMaps returns v with every M and map[string]any in it, at any
// depth inside D, M and A, turned into a D sorted by key, for printing.
func sortedMaps(v any) any {
	switch x := v.(type) {
	case M:
		return sortedD(x)
	case map[string]any:
		return sortedD(x)
	case D:
		out := make(D, len(x))
		for i, e := range x {
			out[i] = E{Key: e.Key, Value: sortedMaps(e.Value)}
		}
		return out
	case A:
		out := make(A, len(x))
		for i, e := range x {
			out[i] = sortedMaps(e)
		}
		return out
	}
	return v
}

func sortedD(m map[string]any) D {
	out := make(D, 0, len(m))
	for k, v := range m {
		out = append(out, E{Key: k, Value: sortedMaps(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
