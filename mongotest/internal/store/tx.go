package store

import (
	"fmt"

	"github.com/torque-go/torque/bson"
)

// Tx is one Write in progress: the single path through which every change
// of the store goes. Each method checks first and changes second, records
// how to undo its change, and adds the oplog entry of the change. A method
// that returns an error changed nothing.
type Tx struct {
	st      *Store
	undo    []func()
	entries []Entry
	touched []*Collection
	txn     *TxnID // the transaction this Write commits, if any
}

// TxnID names the multi-document transaction an oplog entry belongs to.
type TxnID struct {
	Lsid   bson.D // {id: UUID}
	Number int64  // txnNumber
}

// Commit marks every entry of this Write as written by the transaction id
// (Entry.Txn): a transaction's commit.
func (tx *Tx) Commit(id TxnID) { tx.txn = &id }

// Reader reads the catalog as this Tx has changed it so far.
func (tx *Tx) Reader() Reader { return catalog(tx.st.colls) }

// Error is a store failure with MongoDB's code and codeName.
type Error struct {
	Code     int32
	CodeName string
	Msg      string
}

func (e *Error) Error() string { return e.Msg }

func errorf(code int32, name, format string, args ...any) *Error {
	return &Error{Code: code, CodeName: name, Msg: fmt.Sprintf(format, args...)}
}

// ensure returns db.name writable, creating it (with an oplog entry) when
// it does not exist, as an insert or an upsert does.
func (tx *Tx) ensure(db, name string) (*Collection, error) {
	if c := tx.touch(db, name); c != nil {
		if c.IsView() {
			return nil, errorf(166, "CommandNotSupportedOnView", "Namespace %s.%s is a view, not a collection", db, name)
		}
		return c, nil
	}
	if err := tx.CreateCollection(db, name, nil); err != nil {
		return nil, err
	}
	return tx.touch(db, name), nil
}

// Insert stores doc, which must have an _id, in db.name (created if
// missing).
func (tx *Tx) Insert(db, name string, doc bson.D) error {
	c, err := tx.ensure(db, name)
	if err != nil {
		return err
	}
	if err := c.uniqueConflict(doc, -1); err != nil {
		return err
	}
	pos := len(c.docs)
	c.put(pos, doc)
	tx.undo = append(tx.undo, func() {
		c.take(pos)
		c.docs, c.holes = c.docs[:pos], c.holes-1
	})
	tx.entries = append(tx.entries, Entry{Op: "i", DB: db, Coll: name, UUID: c.UUID, ID: idOf(doc), Doc: doc})
	tx.evict(c)
	return nil
}

// Replace stores after in the place of the document with before's _id
// (after keeps that _id). desc is the update's description for change
// streams (nil: a replacement).
func (tx *Tx) Replace(db, name string, before, after bson.D, desc *UpdateDesc) error {
	c := tx.touch(db, name)
	if c == nil {
		return errorf(26, "NamespaceNotFound", "ns %s.%s does not exist", db, name)
	}
	pos, ok := c.ids[Key(idOf(before))]
	if !ok {
		return errorf(8, "UnknownError", "document to update is gone")
	}
	if err := c.uniqueConflict(after, pos); err != nil {
		return err
	}
	old := c.take(pos)
	c.put(pos, after)
	tx.undo = append(tx.undo, func() { c.take(pos); c.put(pos, old) })
	tx.entries = append(tx.entries, Entry{Op: "u", DB: db, Coll: name, UUID: c.UUID, ID: idOf(after), Doc: after, Pre: old, Update: desc})
	return nil
}

// Delete removes the document with doc's _id from db.name.
func (tx *Tx) Delete(db, name string, doc bson.D) error {
	c := tx.touch(db, name)
	if c == nil {
		return errorf(26, "NamespaceNotFound", "ns %s.%s does not exist", db, name)
	}
	pos, ok := c.ids[Key(idOf(doc))]
	if !ok {
		return errorf(8, "UnknownError", "document to delete is gone")
	}
	old := c.take(pos)
	tx.undo = append(tx.undo, func() { c.put(pos, old) })
	tx.entries = append(tx.entries, Entry{Op: "d", DB: db, Coll: name, UUID: c.UUID, ID: idOf(old), Pre: old})
	return nil
}

// CreateCollection creates db.name with create options opts (a view when
// they have viewOn). NamespaceExists (48) when it exists.
func (tx *Tx) CreateCollection(db, name string, opts bson.D) error {
	ns := db + "." + name
	if _, ok := tx.st.colls[ns]; ok {
		return errorf(48, "NamespaceExists", "Collection %s already exists.", ns)
	}
	c := newCollection(db, name, opts)
	tx.st.colls[ns] = c
	tx.touched = append(tx.touched, c)
	tx.undo = append(tx.undo, func() { delete(tx.st.colls, ns) })
	cmd := append(bson.D{bson.KV("create", name)}, opts...)
	tx.entries = append(tx.entries, Entry{Op: "c", DB: db, Coll: name, UUID: c.UUID, Cmd: cmd})
	return nil
}

// DropCollection drops db.name; NamespaceNotFound (26) when missing.
func (tx *Tx) DropCollection(db, name string) error {
	ns := db + "." + name
	c, ok := tx.st.colls[ns]
	if !ok {
		return errorf(26, "NamespaceNotFound", "ns not found")
	}
	delete(tx.st.colls, ns)
	tx.undo = append(tx.undo, func() { tx.st.colls[ns] = c })
	tx.entries = append(tx.entries, Entry{Op: "c", DB: db, Coll: name, UUID: c.UUID, Cmd: bson.D{bson.KV("drop", name)}})
	return nil
}

// DropDatabase drops every collection of db (one entry each, then the
// dropDatabase entry, as MongoDB's oplog has them).
func (tx *Tx) DropDatabase(db string) error {
	for _, c := range tx.Reader().Colls(db) {
		if err := tx.DropCollection(db, c.Name); err != nil {
			return err
		}
	}
	tx.entries = append(tx.entries, Entry{Op: "c", DB: db, Cmd: bson.D{bson.KV("dropDatabase", int32(1))}})
	return nil
}

// Rename moves db.from to toDB.to, replacing an existing target when
// dropTarget (else NamespaceExists).
func (tx *Tx) Rename(db, from, toDB, to string, dropTarget bool) error {
	src, dst := db+"."+from, toDB+"."+to
	c, ok := tx.st.colls[src]
	if !ok {
		return errorf(26, "NamespaceNotFound", "Source collection %s does not exist", src)
	}
	if src == dst {
		return errorf(20, "IllegalOperation", "Can't rename a collection to itself")
	}
	if _, ok := tx.st.colls[dst]; ok {
		if !dropTarget {
			return errorf(48, "NamespaceExists", "target namespace exists")
		}
		if err := tx.DropCollection(toDB, to); err != nil {
			return err
		}
	}
	moved := c.clone()
	moved.DB, moved.Name = toDB, to
	delete(tx.st.colls, src)
	tx.st.colls[dst] = moved
	tx.touched = append(tx.touched, moved)
	tx.undo = append(tx.undo, func() { delete(tx.st.colls, dst); tx.st.colls[src] = c })
	cmd := bson.D{bson.KV("renameCollection", src), bson.KV("to", dst), bson.KV("dropTarget", dropTarget)}
	tx.entries = append(tx.entries, Entry{Op: "c", DB: db, Coll: from, UUID: c.UUID, Cmd: cmd})
	return nil
}

// CreateIndex adds an index to db.name (created if missing). An index of
// the same name and key is no change (created false); the same name with
// another key is IndexKeySpecsConflict (86), another name with the same
// key and options IndexOptionsConflict (85). A unique index over
// duplicate documents fails with their E11000.
func (tx *Tx) CreateIndex(db, name string, spec IndexSpec) (created bool, err error) {
	c, err := tx.ensure(db, name)
	if err != nil {
		return false, err
	}
	for _, ix := range c.Indexes() {
		sameKey := Key(ix.Key) == Key(spec.Key)
		switch {
		case ix.Name == spec.Name && sameKey:
			return false, nil
		case ix.Name == spec.Name:
			return false, errorf(86, "IndexKeySpecsConflict", "An existing index has the same name as the requested index but a different key. Requested index: %v, existing index: %v", spec.Spec, ix.Spec)
		case sameKey && ix.Name != "_id_" && ix.Unique == spec.Unique && ix.Sparse == spec.Sparse && spec.Partial == nil && ix.Partial == nil:
			return false, errorf(85, "IndexOptionsConflict", "Index already exists with a different name: %s", ix.Name)
		}
	}
	ix := newIndex(spec)
	for pos, d := range c.docs {
		if d == nil {
			continue
		}
		if ix.Unique && ix.conflict(d, pos) >= 0 { // prepareUnique keeps what is there
			return false, ix.dupError(c.NS(), d)
		}
		ix.add(d, pos)
	}
	c.indexes = append(c.indexes, ix)
	tx.undo = append(tx.undo, func() { c.indexes = c.indexes[:len(c.indexes)-1] })
	cmd := bson.D{bson.KV("createIndexes", name), bson.KV("spec", spec.Spec)}
	tx.entries = append(tx.entries, Entry{Op: "c", DB: db, Coll: name, UUID: c.UUID, Cmd: cmd})
	return true, nil
}

// DropIndex drops the index named index of db.name (not _id_).
func (tx *Tx) DropIndex(db, name, index string) error {
	c := tx.touch(db, name)
	if c == nil {
		return errorf(26, "NamespaceNotFound", "ns not found %s.%s", db, name)
	}
	if index == "_id_" {
		return errorf(72, "InvalidOptions", "cannot drop _id index")
	}
	for i, ix := range c.indexes {
		if ix.Name == index {
			old := c.indexes
			c.indexes = append(c.indexes[:i:i], c.indexes[i+1:]...)
			tx.undo = append(tx.undo, func() { c.indexes = old })
			cmd := bson.D{bson.KV("dropIndexes", name), bson.KV("index", index)}
			tx.entries = append(tx.entries, Entry{Op: "c", DB: db, Coll: name, UUID: c.UUID, Cmd: cmd})
			return nil
		}
	}
	return errorf(27, "IndexNotFound", "index not found with name [%s]", index)
}

// SetOptions replaces db.name's create options (collMod).
func (tx *Tx) SetOptions(db, name string, opts bson.D, cmd bson.D) error {
	c := tx.touch(db, name)
	if c == nil {
		return errorf(26, "NamespaceNotFound", "ns does not exist: %s.%s", db, name)
	}
	old := c.Options
	c.Options = opts
	tx.undo = append(tx.undo, func() { c.Options = old })
	tx.entries = append(tx.entries, Entry{Op: "c", DB: db, Coll: name, UUID: c.UUID, Cmd: cmd})
	return nil
}
