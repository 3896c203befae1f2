package store

import (
	"sort"

	"github.com/torque-go/torque/bson"
)

// ModifyIndex gives the index named index of db.name the options of spec
// (collMod {index: ...}); its entries stay. cmd is the oplog entry's
// command. IndexNotFound (27) when there is no such index.
func (tx *Tx) ModifyIndex(db, name, index string, spec IndexSpec, cmd bson.D) error {
	c := tx.touch(db, name)
	if c == nil {
		return errorf(26, "NamespaceNotFound", "ns does not exist: %s.%s", db, name)
	}
	for _, ix := range c.indexes {
		if ix.Name == index {
			old := ix.IndexSpec
			ix.IndexSpec = spec
			tx.undo = append(tx.undo, func() { ix.IndexSpec = old })
			tx.entries = append(tx.entries, Entry{Op: "c", DB: db, Coll: name, UUID: c.UUID, Cmd: cmd})
			return nil
		}
	}
	return errorf(27, "IndexNotFound", "cannot find index %s for ns %s.%s", index, db, name)
}

// Duplicates returns the _ids of the documents that share a key of the
// index named index, one group per shared key (in the natural order of
// their first document): what stops the index from becoming unique.
func (c *Collection) Duplicates(index string) [][]any {
	var groups [][]int
	for _, ix := range c.indexes {
		if ix.Name != index {
			continue
		}
		for _, set := range ix.keys {
			if len(set) < 2 {
				continue
			}
			pos := make([]int, 0, len(set))
			for p := range set {
				pos = append(pos, p)
			}
			sort.Ints(pos)
			groups = append(groups, pos)
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i][0] < groups[j][0] })
	out := make([][]any, len(groups))
	for i, g := range groups {
		for _, p := range g {
			out[i] = append(out[i], idOf(c.docs[p]))
		}
	}
	return out
}
