package engine

import "github.com/torque-go/torque/bson"

// EvalLet evaluates a command's let document (whose values are constants
// or expressions, evaluated once, each seeing the ones before it and the
// system variables) into the Vars to pass to the Compile functions.
func EvalLet(let bson.D, vars Vars) (Vars, error) {
	out := withSystemVars(vars)
	for _, e := range let {
		if e.Key == "" || !isVarName(e.Key) {
			return nil, errorf(CodeFailedToParse, "'%s' starts with an invalid character for a user variable name", e.Key)
		}
		v, err := evalValue(e.Value, bson.D{}, out)
		if err != nil {
			return nil, err
		}
		if v == missing {
			v = nil
		}
		out[e.Key] = v
	}
	return out, nil
}

// isVarName reports whether s can name a user variable: a lowercase
// letter or a non-ASCII character first, then letters, digits and '_'.
func isVarName(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r > 127:
		case i > 0 && (r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return true
}
