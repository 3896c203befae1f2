package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

func init() { stageCompilers["$unwind"] = compileUnwind }

type unwindStage struct {
	parts    []string
	indexAs  []string
	preserve bool
}

func compileUnwind(arg any, env Env) (stage, error) {
	u := &unwindStage{}
	path, ok := arg.(string)
	if d, isDoc := arg.(bson.D); isDoc {
		for _, e := range d {
			switch e.Key {
			case "path":
				path, ok = e.Value.(string)
			case "includeArrayIndex":
				s, isStr := e.Value.(string)
				if !isStr || s == "" || strings.HasPrefix(s, "$") {
					return nil, errorf(28822, "includeArrayIndex option to $unwind stage should be a string that does not start with '$'")
				}
				u.indexAs = splitPath(s)
			case "preserveNullAndEmptyArrays":
				b, isBool := e.Value.(bool)
				if !isBool {
					return nil, errorf(28809, "expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage")
				}
				u.preserve = b
			default:
				return nil, errorf(28811, "unrecognized option to $unwind stage: %s", e.Key)
			}
		}
	} else if !ok {
		return nil, errorf(15981, "expected either a string or an object as specification for $unwind stage")
	}
	if !ok || !strings.HasPrefix(path, "$") || len(path) < 2 {
		return nil, errorf(28818, "path option to $unwind stage should be prefixed with a '$': %s", path)
	}
	u.parts = splitPath(path[1:])
	return u, nil
}

func (u *unwindStage) run(in []bson.D) ([]bson.D, error) {
	var out []bson.D
	for _, doc := range in {
		v, exists := getDocPath(doc, u.parts)
		arr, isArr := v.(bson.A)
		switch {
		case isArr && len(arr) > 0:
			for i, e := range arr {
				d, err := u.emit(doc, e, true, int64(i))
				if err != nil {
					return nil, err
				}
				out = append(out, d)
			}
		case !exists || v == nil || isArr:
			if u.preserve {
				d, err := u.emitPreserved(doc, isArr)
				if err != nil {
					return nil, err
				}
				out = append(out, d)
			}
		default:
			d, err := u.emit(doc, v, false, 0)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// getDocPath reads a path through documents only.
func getDocPath(doc bson.D, parts []string) (any, bool) {
	var v any = doc
	for _, p := range parts {
		d, ok := v.(bson.D)
		if !ok {
			return nil, false
		}
		if v, ok = lookup(d, p); !ok {
			return nil, false
		}
	}
	return v, true
}

// emit outputs doc with the unwound value at the path.
func (u *unwindStage) emit(doc bson.D, v any, hasIndex bool, i int64) (bson.D, error) {
	r, err := setIn(doc, u.parts, v, u.parts)
	if err != nil {
		return nil, err
	}
	return u.withIndex(r.(bson.D), hasIndex, i)
}

// emitPreserved outputs a document whose path was null, missing or empty.
func (u *unwindStage) emitPreserved(doc bson.D, emptyArray bool) (bson.D, error) {
	d := doc
	if emptyArray {
		r, _ := unsetIn(doc, u.parts)
		d = r.(bson.D)
	}
	return u.withIndex(d, false, 0)
}

func (u *unwindStage) withIndex(d bson.D, hasIndex bool, i int64) (bson.D, error) {
	if u.indexAs == nil {
		return d, nil
	}
	var idx any
	if hasIndex {
		idx = i
	}
	r, err := setIn(d, u.indexAs, idx, u.indexAs)
	if err != nil {
		return nil, err
	}
	return r.(bson.D), nil
}
