package mongotest

import (
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// disambiguatedPaths is an update event's
// updateDescription.disambiguatedPaths (with showExpandedEvents): for
// every updated or removed path with a numeric component, which MongoDB
// calls ambiguous, its components, array indices as ints and field names
// as strings ({"a.0.1": ["a", 0, "1"]}). Updated paths are read in the
// document after the update, removed ones in the document before. It is
// empty when no path is ambiguous.
func disambiguatedPaths(e store.Entry) bson.D {
	out := bson.D{}
	for _, f := range e.Update.UpdatedFields {
		if comps := pathComponents(e.Doc, f.Key); comps != nil {
			out = append(out, bson.KV(f.Key, comps))
		}
	}
	for _, path := range e.Update.RemovedFields {
		if comps := pathComponents(e.Pre, path); comps != nil {
			out = append(out, bson.KV(path, comps))
		}
	}
	return out
}

// pathComponents walks doc along a dotted path and returns its
// components, nil when none is numeric.
func pathComponents(doc bson.D, path string) bson.A {
	parts := strings.Split(path, ".")
	numeric := false
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err == nil {
			numeric = true
		}
	}
	if !numeric {
		return nil
	}
	comps := make(bson.A, 0, len(parts))
	var cur any = doc
	for _, p := range parts {
		switch v := cur.(type) {
		case bson.A:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(v) {
				comps, cur = append(comps, p), nil
				continue
			}
			comps, cur = append(comps, int32(i)), v[i]
		case bson.D:
			comps, cur = append(comps, p), lookup(v, p)
		default:
			comps, cur = append(comps, p), nil
		}
	}
	return comps
}
