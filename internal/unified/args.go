package unified

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// args reads an operation's arguments (or an entity's fields) and
// remembers which it used, so that done can refuse the ones the runner
// does not understand instead of ignoring them silently.
type args struct {
	src  bson.Raw
	used map[string]bool
	errs []error
}

func newArgs(doc bson.Raw) *args { return &args{src: doc, used: map[string]bool{}} }

func (a *args) get(key string) bson.RawValue {
	a.used[key] = true
	if a.src == nil {
		return bson.RawValue{}
	}
	return a.src.Lookup(key)
}

func (a *args) fail(key, want string, v bson.RawValue) {
	a.errs = append(a.errs, fmt.Errorf("argument %s: want %s, got %s", key, want, describe(v)))
}

// skip marks keys as read without using them.
func (a *args) skip(keys ...string) {
	for _, k := range keys {
		a.used[k] = true
	}
}

func (a *args) has(key string) bool { return !a.get(key).IsZero() }

// doc returns a document argument, nil when absent.
func (a *args) doc(key string) bson.Raw {
	v := a.get(key)
	if v.IsZero() {
		return nil
	}
	d, ok := v.Document()
	if !ok {
		a.fail(key, "a document", v)
	}
	return d
}

// docOrNil returns a document argument as an any that is nil when absent
// (a nil bson.Raw in an interface would not be nil).
func (a *args) docOrNil(key string) any {
	if d := a.doc(key); d != nil {
		return d
	}
	return nil
}

func (a *args) array(key string) bson.RawArray {
	v := a.get(key)
	if v.IsZero() {
		return nil
	}
	arr, ok := v.Array()
	if !ok {
		a.fail(key, "an array", v)
	}
	return arr
}

// docs returns an array of documents as []any (the documents of an
// insertMany, the array filters of an update).
func (a *args) docs(key string) []any {
	arr := a.array(key)
	if arr == nil {
		return nil
	}
	out := []any{}
	for _, v := range arr.All() {
		d, ok := v.Document()
		if !ok {
			a.fail(key, "documents", v)
			return nil
		}
		out = append(out, d)
	}
	return out
}

// pipeline returns an array of stages as []bson.Raw.
func (a *args) pipeline(key string) []bson.Raw {
	out := []bson.Raw{}
	for _, v := range a.array(key).All() {
		d, ok := v.Document()
		if !ok {
			a.fail(key, "stage documents", v)
			return nil
		}
		out = append(out, d)
	}
	return out
}

// update returns an update: a document or a pipeline.
func (a *args) update(key string) any {
	if a.get(key).Type == bson.TypeArray {
		return a.pipeline(key)
	}
	return a.docOrNil(key)
}

// value returns any BSON value (a comment), nil when absent.
func (a *args) value(key string) any {
	v := a.get(key)
	if v.IsZero() {
		return nil
	}
	return v
}

// hint returns an index name or a key pattern, nil when absent.
func (a *args) hint() any {
	v := a.get("hint")
	if s, ok := v.StringValue(); ok {
		return s
	}
	if v.IsZero() {
		return nil
	}
	return a.doc("hint")
}

func (a *args) str(key string) string {
	v := a.get(key)
	s, ok := v.StringValue()
	if !ok && !v.IsZero() {
		a.fail(key, "a string", v)
	}
	return s
}

func (a *args) boolean(key string) bool {
	v := a.get(key)
	b, ok := v.Boolean()
	if !ok && !v.IsZero() {
		a.fail(key, "a boolean", v)
	}
	return b
}

func (a *args) boolPtr(key string) *bool {
	if !a.has(key) {
		return nil
	}
	b := a.boolean(key)
	return &b
}

func (a *args) int64(key string) int64 {
	v := a.get(key)
	n, ok := v.AsInt64()
	if !ok && !v.IsZero() {
		a.fail(key, "an integer", v)
	}
	return n
}

func (a *args) millis(key string) time.Duration {
	return time.Duration(a.int64(key)) * time.Millisecond
}

func (a *args) collation() *client.Collation {
	d := a.doc("collation")
	if d == nil {
		return nil
	}
	var c client.Collation
	if err := bson.Unmarshal(d, &c); err != nil {
		a.errs = append(a.errs, fmt.Errorf("argument collation: %w", err))
	}
	return &c
}

// done reports the bad arguments and those that were never read.
func (a *args) done() error {
	var unknown []string
	for k := range a.src.All() {
		if !a.used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		a.errs = append(a.errs, fmt.Errorf("%w: %v", errUnsupported, unknown))
	}
	return errors.Join(a.errs...)
}

// errUnsupported marks what the runner does not implement.
var errUnsupported = errors.New("runner: unsupported arguments")
