package engine

import (
	"time"

	"github.com/torque-go/torque/bson"
)

// Apply applies the update to doc (which it does not change); m is where
// the query matched, for the positional $ operator.
func (u *Update) Apply(doc bson.D, m MatchInfo) (*UpdateResult, error) {
	return u.apply(doc, m, false)
}

func (u *Update) apply(doc bson.D, m MatchInfo, inserting bool) (*UpdateResult, error) {
	var out bson.D
	var err error
	switch {
	case u.isRepl:
		out, err = u.replace(doc)
	case u.pipeline != nil:
		out, err = u.runPipeline(doc)
	default:
		out, err = u.applyMods(doc, m, inserting)
	}
	if err != nil {
		return nil, err
	}
	if err := checkID(doc, out, inserting); err != nil {
		return nil, err
	}
	r := &UpdateResult{Doc: out, Modified: !identical(doc, out)}
	if !u.isRepl && r.Modified {
		describe(r, doc, out, u.wholePaths(doc, m))
	}
	return r, nil
}

// replace keeps doc's _id in front of the replacement document.
func (u *Update) replace(doc bson.D) (bson.D, error) {
	out := bson.D{}
	id, hasID := lookup(doc, "_id")
	if hasID {
		out = append(out, bson.E{Key: "_id", Value: id})
	}
	for _, e := range u.replacement {
		if e.Key == "_id" && hasID {
			if !identical(e.Value, id) {
				return nil, errorf(CodeImmutableField, "After applying the update, the (immutable) field '_id' was found to have been altered to _id: %s", shortJSON(e.Value))
			}
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// checkID refuses an update that changed _id (when there was one).
func checkID(before, after bson.D, inserting bool) error {
	old, had := lookup(before, "_id")
	if !had || inserting {
		return nil
	}
	now, has := lookup(after, "_id")
	if !has || !identical(old, now) {
		return errorf(CodeImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'")
	}
	return nil
}

// applyMods applies the operators in path order.
func (u *Update) applyMods(doc bson.D, m MatchInfo, inserting bool) (bson.D, error) {
	var cur any = doc
	ctx := &applyCtx{now: bson.NewDateTimeFromTime(time.Now()), id: "{}"}
	if id, ok := lookup(doc, "_id"); ok {
		ctx.id = "{_id: " + shortJSON(id) + "}"
	}
	for _, mod := range u.mods {
		if mod.op == "$setOnInsert" && !inserting {
			continue
		}
		paths, err := u.expandPath(cur.(bson.D), mod.parts, m)
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			if cur, err = mod.applyAt(cur, p, ctx); err != nil {
				return nil, err
			}
		}
	}
	return cur.(bson.D), nil
}

// applyAt applies the modifier at the concrete path p of v.
// applyCtx is what every modifier of one Apply shares.
type applyCtx struct {
	now bson.DateTime
	id  string // the document's _id, for error messages
}

func (mod *modifier) applyAt(v any, p []string, ctx *applyCtx) (any, error) {
	old, exists := getPath(v, p)
	switch mod.op {
	case "$unset":
		r, _ := unsetIn(v, p)
		return r, nil
	case "$rename":
		if !exists {
			return v, nil
		}
		if err := checkRenameSource(v, p); err != nil {
			return nil, err
		}
		r, _ := unsetIn(v, p)
		return setIn(r, mod.to, old, mod.to)
	}
	nv, set, err := mod.newValue(old, exists, p, ctx)
	if err != nil || !set {
		return v, err
	}
	return setIn(v, p, nv, p)
}

// checkRenameSource refuses a $rename out of an array.
func checkRenameSource(v any, p []string) error {
	for i := 1; i < len(p); i++ {
		if x, _ := getPath(v, p[:i]); isArray(x) {
			return errorf(CodeBadValue, "The source field cannot be an array element, '%s' in doc with %s", joinPath(p), p[i-1])
		}
	}
	return nil
}

// newValue computes the value a modifier stores at a path whose current
// value is old; set is false when the path stays as it is.
func (mod *modifier) newValue(old any, exists bool, p []string, ctx *applyCtx) (any, bool, error) {
	now := ctx.now
	switch mod.op {
	case "$set", "$setOnInsert":
		return mod.arg, true, nil
	case "$inc", "$mul":
		return mod.arith(old, exists, p, ctx.id)
	case "$min", "$max":
		c := CompareWith(mod.coll, mod.arg, old)
		if !exists || (mod.op == "$min" && c < 0) || (mod.op == "$max" && c > 0) {
			return mod.arg, true, nil
		}
		return nil, false, nil
	case "$currentDate":
		if d, ok := mod.arg.(bson.D); ok && d[0].Value == "timestamp" {
			return bson.Timestamp{T: uint32(int64(now) / 1000), I: 1}, true, nil
		}
		return now, true, nil
	}
	return mod.arrayValue(old, exists, p, ctx.id)
}

// arith is $inc and $mul.
func (mod *modifier) arith(old any, exists bool, p []string, id string) (any, bool, error) {
	if !exists {
		if mod.op == "$mul" {
			return arith(mod.arg, int32(0), mulInt, func(x, y float64) float64 { return x * y }, mulBig), true, nil
		}
		return mod.arg, true, nil
	}
	if !isNumber(old) {
		return nil, false, errorf(CodeTypeMismatch, "Cannot apply %s to a value of non-numeric type. %s has the field '%s' of non-numeric type %s", mod.op, id, p[len(p)-1], typeName(typeOf(old)))
	}
	if mod.op == "$mul" {
		return arith(old, mod.arg, mulInt, func(x, y float64) float64 { return x * y }, mulBig), true, nil
	}
	return arith(old, mod.arg, addInt, func(x, y float64) float64 { return x + y }, addBig), true, nil
}

// wholePaths are the concrete paths the update set as a whole ($set of a
// document, say), which the change description reports without looking
// inside; array operators are described element by element.
func (u *Update) wholePaths(doc bson.D, m MatchInfo) map[string]bool {
	out := map[string]bool{}
	for _, mod := range u.mods {
		switch mod.op {
		case "$push", "$addToSet", "$pull", "$pullAll", "$pop", "$unset":
			continue
		}
		if paths, err := u.expandPath(doc, mod.parts, m); err == nil {
			for _, p := range paths {
				out[joinPath(p)] = true
			}
		}
		if mod.to != nil {
			out[joinPath(mod.to)] = true
		}
	}
	return out
}
