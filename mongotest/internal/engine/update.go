package engine

import (
	"slices"
	"strings"

	"github.com/torque-go/torque/bson"
)

// Update is a compiled update: operators, a replacement document, or a
// pipeline. It is immutable and safe for concurrent use.
type Update struct {
	mods        []*modifier
	replacement bson.D
	isRepl      bool
	pipeline    *Pipeline
	filters     map[string]*arrayFilter
	vars        Vars
}

// modifier is one operator applied to one path: {$inc: {"a.b": 1}}.
type modifier struct {
	op    string
	path  string
	parts []string
	arg   any
	to    []string // $rename's target
	push  *pushSpec
	pull  func(any) (bool, error)
	coll  *Collation // how $min, $max, $addToSet, $pull, $pullAll and $push's $sort compare strings
}

// updateOps are the update operators, in the order mongod validates them.
var updateOps = []string{"$set", "$unset", "$inc", "$mul", "$min", "$max", "$rename",
	"$setOnInsert", "$currentDate", "$push", "$addToSet", "$pull", "$pullAll", "$pop", "$bit"}

// CompileUpdate compiles an update: a document of update operators, a
// replacement document, or a pipeline (bson.A or []bson.D of stages).
func CompileUpdate(update any, o UpdateOptions) (*Update, error) {
	u := &Update{vars: o.Vars}
	if err := u.compileArrayFilters(o.ArrayFilters); err != nil {
		return nil, err
	}
	switch x := update.(type) {
	case bson.A, []bson.D:
		if len(o.ArrayFilters) > 0 {
			return nil, errorf(CodeFailedToParse, "arrayFilters may not be specified for pipeline-style updates")
		}
		return u, u.compilePipeline(x)
	case bson.D:
		if len(x) == 0 || !strings.HasPrefix(x[0].Key, "$") {
			if len(o.ArrayFilters) > 0 {
				return nil, errorf(CodeFailedToParse, "arrayFilters may not be specified for replacement-style updates")
			}
			u.replacement, u.isRepl = x, true
			return u, nil
		}
		if err := u.compileOperators(x); err != nil {
			return nil, err
		}
		return u, u.checkFiltersUsed()
	}
	return nil, errorf(CodeFailedToParse, "Update argument must be either an object or an array")
}

// IsReplacement reports whether the update is a replacement document.
func (u *Update) IsReplacement() bool { return u.isRepl }

// compileOperators compiles {$op: {path: arg, ...}, ...}.
func (u *Update) compileOperators(d bson.D) error {
	for _, e := range d {
		if !slices.Contains(updateOps, e.Key) {
			return errorf(CodeFailedToParse, "Unknown modifier: %s. Expected a valid update modifier or pipeline-style update specified as an array", e.Key)
		}
		if e.Key == "$bit" {
			return unsupported("the $bit update operator")
		}
		fields, ok := e.Value.(bson.D)
		if !ok {
			return errorf(CodeFailedToParse, "Modifiers operate on fields but we found type %s instead. For example: {$mod: {<field>: ...}} not {%s: %v}", typeName(typeOf(e.Value)), e.Key, e.Value)
		}
		for _, f := range fields {
			m, err := compileModifier(e.Key, f, u.vars.Collation())
			if err != nil {
				return err
			}
			u.mods = append(u.mods, m)
		}
	}
	if err := checkConflicts(u.mods); err != nil {
		return err
	}
	slices.SortStableFunc(u.mods, func(a, b *modifier) int { return comparePaths(a.parts, b.parts) })
	return nil
}

// comparePaths orders paths component by component, numeric components
// numerically, as mongod applies update operators.
func comparePaths(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, xn := arrayIndex(a[i])
		y, yn := arrayIndex(b[i])
		if xn && yn {
			if c := cmp3(x, y); c != 0 {
				return c
			}
			continue
		}
		if c := cmp3(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp3(len(a), len(b))
}

// checkConflicts refuses two modifiers on one path, or on a path and its
// prefix (code 40).
func checkConflicts(mods []*modifier) error {
	var paths [][]string
	for _, m := range mods {
		paths = append(paths, m.parts)
		if m.to != nil {
			paths = append(paths, m.to)
		}
	}
	for i := range paths {
		for j := range i {
			a, b := paths[i], paths[j]
			n := min(len(a), len(b))
			if slices.Equal(a[:n], b[:n]) {
				return errorf(CodeConflictingUpdateOperators, "Updating the path '%s' would create a conflict at '%s'",
					strings.Join(a, "."), strings.Join(a[:n], "."))
			}
		}
	}
	return nil
}

// compileModifier checks one {path: arg} of an operator.
func compileModifier(op string, f bson.E, coll *Collation) (*modifier, error) {
	if f.Key == "" {
		return nil, errorf(CodeEmptyFieldName, "An empty update path is not valid.")
	}
	m := &modifier{op: op, path: f.Key, parts: splitPath(f.Key), arg: canon(f.Value), coll: coll}
	for i, p := range m.parts {
		if p == "" {
			return nil, errorf(CodeEmptyFieldName, "The update path '%s' contains an empty field name, which is not allowed.", f.Key)
		}
		if _, isFilter := filterRef(p); strings.HasPrefix(p, "$") && p != "$" && !isFilter {
			return nil, errorf(CodeDollarPrefixedFieldName, "The dollar ($) prefixed field '%s' in '%s' is not valid for storage.", p, strings.Join(m.parts[:i+1], "."))
		}
	}
	return m, m.compileArg()
}
