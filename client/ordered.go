package client

import (
	"fmt"
	"reflect"

	"github.com/torque-go/torque/bson"
)

// The one rule where order matters — sort, hint, min, max, index keys,
// commands, $sort and computed $project stages: a map (bson.M) with more
// than one key has no order, so it is an error before anything is sent.
// A map with one key is as good as a bson.D.

// checkOrdered returns an error when v, which must have an order, is a
// map (or a pointer to one) with more than one key. what names it.
func checkOrdered(v any, what string) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Map && rv.Len() > 1 {
		return fmt.Errorf("client: %s is a %T with %d keys, which has no order: use bson.D", what, v, rv.Len())
	}
	return nil
}

// appendOrderedDoc is appendOptionalDoc for a document whose order
// matters.
func appendOrderedDoc(dst []byte, enc *bson.Encoder, key string, v any) ([]byte, error) {
	if err := checkOrdered(v, key); err != nil {
		return dst, err
	}
	return appendOptionalDoc(dst, enc, key, v)
}

// checkPipelineOrder applies the rule to a pipeline given as Go values:
// a stage is one key; a $sort stage's value, and a $project stage's that
// computes fields (their order is the output's), must be ordered. Stages
// already encoded (bson.Raw) kept their order and are not checked.
func checkPipelineOrder(pipeline any) error {
	rv := reflect.ValueOf(pipeline)
	if rv.Kind() != reflect.Slice {
		return nil
	}
	for i := range rv.Len() {
		stage := rv.Index(i).Interface()
		what := fmt.Sprintf("pipeline stage %d", i)
		if err := checkOrdered(stage, what); err != nil {
			return fmt.Errorf("%w (a stage has exactly one key)", err)
		}
		name, value, ok := onlyElement(stage)
		if !ok {
			continue
		}
		switch {
		case name == "$sort":
			if err := checkOrdered(value, what+" $sort"); err != nil {
				return err
			}
		case name == "$project" && computesFields(value):
			if err := checkOrdered(value, what+" $project (with computed fields)"); err != nil {
				return err
			}
		}
	}
	return nil
}

// onlyElement returns the key and value of a one-key bson.D or map.
func onlyElement(stage any) (string, any, bool) {
	if d, ok := stage.(bson.D); ok {
		if len(d) == 1 {
			return d[0].Key, d[0].Value, true
		}
		return "", nil, false
	}
	rv := reflect.ValueOf(stage)
	if rv.Kind() != reflect.Map || rv.Len() != 1 || rv.Type().Key().Kind() != reflect.String {
		return "", nil, false
	}
	it := rv.MapRange()
	it.Next()
	return it.Key().String(), it.Value().Interface(), true
}

// computesFields reports whether a $project map has a value other than an
// inclusion or exclusion (0, 1, true, false), whose place in the output
// follows the projection's order.
func computesFields(project any) bool {
	rv := reflect.ValueOf(project)
	if rv.Kind() != reflect.Map {
		return false
	}
	for it := rv.MapRange(); it.Next(); {
		switch v := it.Value().Interface().(type) {
		case bool:
		case int, int32, int64, float64:
			if n := reflect.ValueOf(v).Convert(reflect.TypeFor[float64]()).Float(); n != 0 && n != 1 {
				return true
			}
		default:
			return true
		}
	}
	return false
}
