package engine

import (
	"github.com/torque-go/torque/bson"
)

// describe fills the change-stream description of an update: the fields
// set (whole where the update set them whole), removed, and arrays
// truncated, found by comparing the document before and after.
func describe(r *UpdateResult, before, after bson.D, whole map[string]bool) {
	r.UpdatedFields = bson.D{}
	r.RemovedFields = []string{}
	r.TruncatedArrays = []Truncated{}
	diffDoc(r, before, after, "", whole)
}

func diffDoc(r *UpdateResult, before, after bson.D, prefix string, whole map[string]bool) {
	for _, e := range before {
		if _, ok := lookup(after, e.Key); !ok {
			r.RemovedFields = append(r.RemovedFields, prefix+e.Key)
		}
	}
	for _, e := range after {
		old, ok := lookup(before, e.Key)
		if ok && identical(old, e.Value) {
			continue
		}
		diffValue(r, old, ok, e.Value, prefix+e.Key, whole)
	}
}

// diffValue records the change of one field from old to v.
func diffValue(r *UpdateResult, old any, existed bool, v any, path string, whole map[string]bool) {
	if existed && !whole[path] {
		od, ok1 := old.(bson.D)
		nd, ok2 := v.(bson.D)
		if ok1 && ok2 {
			diffDoc(r, od, nd, path+".", whole)
			return
		}
		oa, ok1 := old.(bson.A)
		na, ok2 := v.(bson.A)
		if ok1 && ok2 {
			diffArray(r, oa, na, path, whole)
			return
		}
	}
	r.UpdatedFields = append(r.UpdatedFields, bson.E{Key: path, Value: v})
}

func diffArray(r *UpdateResult, before, after bson.A, path string, whole map[string]bool) {
	if len(after) < len(before) {
		r.TruncatedArrays = append(r.TruncatedArrays, Truncated{Field: path, NewSize: int32(len(after))})
	}
	for i, v := range after {
		p := path + "." + itoa(i)
		if i >= len(before) {
			r.UpdatedFields = append(r.UpdatedFields, bson.E{Key: p, Value: v})
			continue
		}
		if !identical(before[i], v) {
			diffValue(r, before[i], true, v, p, whole)
		}
	}
}
