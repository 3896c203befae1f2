package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// pathMatcher tests the values one field path reaches: every test must
// pass (each on its own: {$gt: 1, $lt: 5} matches [0, 10]).
type pathMatcher struct {
	parts []string
	tests []pathTest
}

// pathTest tests the candidates of one path.
type pathTest func(cands []candidate, info *MatchInfo) (bool, error)

func (p *pathMatcher) match(doc bson.D, info *MatchInfo) (bool, error) {
	cands := collect(doc, p.parts)
	return allTests(p.tests, cands, info)
}

// collect returns every candidate parts reaches in v.
func collect(v any, parts []string) []candidate {
	var out []candidate
	walkPath(v, parts, -1, func(c candidate) bool {
		out = append(out, c)
		return false
	})
	return out
}

func allTests(tests []pathTest, cands []candidate, info *MatchInfo) (bool, error) {
	for _, t := range tests {
		if ok, err := t(cands, info); !ok || err != nil {
			return false, err
		}
	}
	return true, nil
}

// candPred tests one candidate.
type candPred func(c candidate) (bool, error)

// anyOf passes when pred passes for some candidate, and records that
// candidate's array index.
func anyOf(pred candPred) pathTest {
	return func(cands []candidate, info *MatchInfo) (bool, error) {
		for _, c := range cands {
			ok, err := pred(c)
			if err != nil {
				return false, err
			}
			if ok {
				recordIndex(info, c.arrayIdx)
				return true, nil
			}
		}
		return false, nil
	}
}

func recordIndex(info *MatchInfo, idx int) {
	if idx >= 0 && !info.HasIndex {
		info.ArrayIndex, info.HasIndex = idx, true
	}
}

// notAll passes when the tests do not all pass: $not, $ne, $nin.
func notAll(tests []pathTest) pathTest {
	return func(cands []candidate, _ *MatchInfo) (bool, error) {
		var scratch MatchInfo
		ok, err := allTests(tests, cands, &scratch)
		return !ok && err == nil, err
	}
}

// compileFieldCond compiles the condition of a field: an operator
// document, a regular expression, or a value to equal.
func compileFieldCond(v any, vars Vars) ([]pathTest, error) {
	v = canon(v)
	if d, ok := v.(bson.D); ok && len(d) > 0 && strings.HasPrefix(d[0].Key, "$") {
		return compileOps(d, vars)
	}
	if re, ok := v.(bson.Regex); ok {
		p, err := regexPred(re.Pattern, re.Options)
		if err != nil {
			return nil, err
		}
		return []pathTest{anyOf(p)}, nil
	}
	return []pathTest{anyOf(eqPred(v, vars.Collation()))}, nil
}

// eqPred is equality with v (strings by coll); null also matches a
// missing field.
func eqPred(v any, coll *Collation) candPred {
	if v == nil {
		return func(c candidate) (bool, error) {
			if c.missing {
				return true, nil
			}
			t := typeOf(c.val)
			return t == bson.TypeNull || t == bson.TypeUndefined, nil
		}
	}
	return func(c candidate) (bool, error) {
		return !c.missing && CompareWith(coll, c.val, v) == 0, nil
	}
}

// inPred matches a value equal to one of list (regular expressions in
// list match strings).
func inPred(list bson.A, coll *Collation) (candPred, error) {
	preds := make([]candPred, 0, len(list))
	for _, v := range list {
		v = canon(v)
		if re, ok := v.(bson.Regex); ok {
			p, err := regexPred(re.Pattern, re.Options)
			if err != nil {
				return nil, err
			}
			preds = append(preds, p)
			continue
		}
		if d, ok := v.(bson.D); ok && len(d) > 0 && strings.HasPrefix(d[0].Key, "$") {
			return nil, errorf(CodeBadValue, "cannot nest $ under $in")
		}
		preds = append(preds, eqPred(v, coll))
	}
	return func(c candidate) (bool, error) {
		for _, p := range preds {
			if ok, _ := p(c); ok {
				return true, nil
			}
		}
		return false, nil
	}, nil
}
