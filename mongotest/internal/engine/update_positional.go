package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// arrayFilter is one entry of arrayFilters, for $[<identifier>].
type arrayFilter struct {
	m matcher
}

// matches tests one array element: the filter reads it as the field
// named by the identifier.
func (f *arrayFilter) matches(id string, elem any) (bool, error) {
	var scratch MatchInfo
	return f.m.match(bson.D{{Key: id, Value: elem}}, &scratch)
}

func (u *Update) compileArrayFilters(list []bson.D) error {
	for _, d := range list {
		id, err := filterIdentifier(d)
		if err != nil {
			return err
		}
		if _, dup := u.filters[id]; dup {
			return errorf(CodeFailedToParse, "Found multiple array filters with the same top-level field name %s", id)
		}
		m, err := compileFilterDoc(d, u.vars)
		if err != nil {
			return err
		}
		if u.filters == nil {
			u.filters = map[string]*arrayFilter{}
		}
		u.filters[id] = &arrayFilter{m: m}
	}
	return nil
}

// filterIdentifier returns the identifier an array filter is about: the
// first component of its field paths, which must all agree.
func filterIdentifier(d bson.D) (string, error) {
	id := ""
	for _, e := range d {
		var sub string
		switch e.Key {
		case "$and", "$or", "$nor":
			arr, _ := e.Value.(bson.A)
			for _, x := range arr {
				xd, _ := x.(bson.D)
				s, err := filterIdentifier(xd)
				if err != nil {
					return "", err
				}
				if id != "" && s != "" && s != id {
					return "", errorf(CodeFailedToParse, "Error parsing array filter :: caused by :: Expected a single top-level field name, found '%s' and '%s'", id, s)
				}
				if s != "" {
					id = s
				}
			}
			continue
		default:
			sub, _, _ = strings.Cut(e.Key, ".")
		}
		if id != "" && sub != id {
			return "", errorf(CodeFailedToParse, "Error parsing array filter :: caused by :: Expected a single top-level field name, found '%s' and '%s'", id, sub)
		}
		id = sub
	}
	if id == "" {
		return "", errorf(CodeFailedToParse, "Cannot use an expression without a top-level field name in arrayFilters")
	}
	return id, nil
}

// checkFiltersUsed refuses an array filter no $[<identifier>] uses.
func (u *Update) checkFiltersUsed() error {
	for id := range u.filters {
		used := false
		for _, m := range u.mods {
			used = used || strings.Contains(m.path, "$["+id+"]")
		}
		if !used {
			return errorf(CodeFailedToParse, "The array filter for identifier '%s' was not used in the update", id)
		}
	}
	for _, m := range u.mods {
		for _, p := range m.parts {
			if id, ok := filterRef(p); ok && id != "" && u.filters[id] == nil {
				return errorf(CodeBadValue, "No array filter found for identifier '%s' in path '%s'", id, m.path)
			}
		}
	}
	return nil
}

// filterRef recognizes "$[]" (id "") and "$[id]".
func filterRef(p string) (string, bool) {
	if strings.HasPrefix(p, "$[") && strings.HasSuffix(p, "]") {
		return p[2 : len(p)-1], true
	}
	return "", false
}

// expandPath turns a path with $, $[] and $[id] into the concrete paths it
// stands for in doc.
func (u *Update) expandPath(doc bson.D, parts []string, m MatchInfo) ([][]string, error) {
	out := [][]string{nil}
	for i, p := range parts {
		id, isFilter := filterRef(p)
		if p != "$" && !isFilter {
			for j := range out {
				out[j] = append(out[j], p)
			}
			continue
		}
		var next [][]string
		for _, prefix := range out {
			exp, err := u.expandOne(doc, prefix, p, id, isFilter, m, parts[:i+1])
			if err != nil {
				return nil, err
			}
			next = append(next, exp...)
		}
		out = next
	}
	return out, nil
}

// expandOne expands one positional component after prefix.
func (u *Update) expandOne(doc bson.D, prefix []string, p, id string, isFilter bool, m MatchInfo, upTo []string) ([][]string, error) {
	v, ok := getPath(doc, prefix)
	arr, isArr := v.(bson.A)
	if p == "$" {
		if !m.HasIndex {
			return nil, errorf(CodeBadValue, "The positional operator did not find the match needed from the query.")
		}
		return [][]string{appendPart(prefix, itoa(m.ArrayIndex))}, nil
	}
	if !ok || !isArr {
		if !ok {
			return nil, errorf(CodeBadValue, "The path '%s' must exist in the document in order to apply array updates.", strings.Join(prefix, "."))
		}
		return nil, errorf(CodeBadValue, "Cannot apply array updates to non-array element %s: %s", strings.Join(prefix, "."), shortJSON(v))
	}
	var out [][]string
	for i, e := range arr {
		if id != "" {
			ok, err := u.filters[id].matches(id, e)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		out = append(out, appendPart(prefix, itoa(i)))
	}
	return out, nil
}

func appendPart(prefix []string, p string) []string {
	return append(append([]string(nil), prefix...), p)
}
