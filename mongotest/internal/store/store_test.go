package store

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/torque-go/torque/bson"
)

func doc(id any, kv ...any) bson.D {
	d := bson.D{bson.KV("_id", id)}
	for i := 0; i+1 < len(kv); i += 2 {
		d = append(d, bson.KV(kv[i].(string), kv[i+1]))
	}
	return d
}

func insert(t *testing.T, st *Store, docs ...bson.D) {
	t.Helper()
	_, err := st.Write(func(tx *Tx) error {
		for _, d := range docs {
			if err := tx.Insert("db", "c", d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func coll(st *Store) (c *Collection) {
	st.View(func(r Reader) { c = r.Coll("db", "c") })
	return c
}

func TestKeyEqualNumbersAcrossTypes(t *testing.T) {
	same := [][]any{
		{int32(1), int64(1), 1.0},
		{bson.D{bson.KV("a", int32(2))}, bson.D{bson.KV("a", 2.0)}},
		{bson.A{int32(1), "x"}, bson.A{int64(1), "x"}},
	}
	for _, group := range same {
		for _, v := range group[1:] {
			if Key(v) != Key(group[0]) {
				t.Errorf("Key(%#v) != Key(%#v)", v, group[0])
			}
		}
	}
	differ := []any{int32(1), 1.5, "1", true, nil, bson.D{bson.KV("a", int32(1))}, bson.D{bson.KV("b", int32(1))},
		bson.A{int32(1)}, bson.A{"1"}, bson.A{bson.A{int32(1)}}, bson.ObjectID{1}, bson.DateTime(1), bson.MinKey{}, bson.MaxKey{}}
	seen := map[string]any{}
	for _, v := range differ {
		k := Key(v)
		if prev, ok := seen[k]; ok {
			t.Errorf("Key(%#v) == Key(%#v)", v, prev)
		}
		seen[k] = v
	}
}

func TestInsertFindByIDAndDuplicate(t *testing.T) {
	st := New()
	insert(t, st, doc(int32(1), "x", "a"), doc(int32(2), "x", "b"))
	d, ok := coll(st).FindID(1.0)
	if !ok || d[1].Value != "a" {
		t.Fatalf("FindID(1.0) = %v, %v", d, ok)
	}
	_, err := st.Write(func(tx *Tx) error { return tx.Insert("db", "c", doc(int64(2))) })
	var dup *DuplicateKeyError
	if !errors.As(err, &dup) || dup.Index != "_id_" || fmt.Sprint(dup.KeyValue) != `{"_id":2}` {
		t.Fatalf("err = %v", err)
	}
	if want := `E11000 duplicate key error collection: db.c index: _id_ dup key: { _id: 2 }`; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestFailedWriteIsUndone(t *testing.T) {
	st := New()
	insert(t, st, doc(int32(1)))
	entries := len(mustOplog(st))
	_, err := st.Write(func(tx *Tx) error {
		if err := tx.Insert("db", "c", doc(int32(2))); err != nil {
			return err
		}
		if err := tx.Insert("db", "other", doc(int32(1))); err != nil {
			return err
		}
		if err := tx.Delete("db", "c", doc(int32(1))); err != nil {
			return err
		}
		return errors.New("no")
	})
	if err == nil {
		t.Fatal("no error")
	}
	c := coll(st)
	if c.Len() != 1 {
		t.Errorf("len %d after undo, want 1", c.Len())
	}
	if _, ok := c.FindID(int32(1)); !ok {
		t.Error("deleted document not restored")
	}
	st.View(func(r Reader) {
		if r.Coll("db", "other") != nil {
			t.Error("created collection not undone")
		}
	})
	if got := len(mustOplog(st)); got != entries {
		t.Errorf("oplog grew from %d to %d on a failed write", entries, got)
	}
}

func mustOplog(st *Store) []Entry {
	e, _ := st.Oplog(bson.Timestamp{})
	return e
}

func TestSnapshotDoesNotSeeLaterWrites(t *testing.T) {
	st := New()
	insert(t, st, doc(int32(1), "v", "old"))
	snap := st.Snapshot()
	_, err := st.Write(func(tx *Tx) error {
		if err := tx.Replace("db", "c", doc(int32(1)), doc(int32(1), "v", "new"), nil); err != nil {
			return err
		}
		return tx.Insert("db", "c", doc(int32(2)))
	})
	if err != nil {
		t.Fatal(err)
	}
	old := snap.Coll("db", "c")
	if d, _ := old.FindID(int32(1)); d[1].Value != "old" || old.Len() != 1 {
		t.Errorf("snapshot sees %v, len %d", d, old.Len())
	}
	if d, _ := coll(st).FindID(int32(1)); d[1].Value != "new" || coll(st).Len() != 2 {
		t.Errorf("current sees %v, len %d", d, coll(st).Len())
	}
}

func TestOplogOrderAndClusterTimes(t *testing.T) {
	st := New()
	insert(t, st, doc(int32(1)), doc(int32(2)))
	_, err := st.Write(func(tx *Tx) error { return tx.Delete("db", "c", doc(int32(1))) })
	if err != nil {
		t.Fatal(err)
	}
	es := mustOplog(st)
	var ops string
	for i, e := range es {
		ops += e.Op
		if i > 0 && !Less(es[i-1].TS, e.TS) {
			t.Errorf("entry %d at %v not after %v", i, e.TS, es[i-1].TS)
		}
	}
	if ops != "ciid" { // the implicit create, two inserts, the delete
		t.Errorf("ops %q", ops)
	}
	after, _ := st.Oplog(es[1].TS)
	if len(after) != 2 {
		t.Errorf("Oplog(after 2nd) = %d entries, want 2", len(after))
	}
	if st.ClusterTime() != es[3].TS {
		t.Errorf("cluster time %v, want %v", st.ClusterTime(), es[3].TS)
	}
}

func TestUniqueSparsePartialIndexes(t *testing.T) {
	st := New()
	insert(t, st, doc(int32(1), "a", int32(1)), doc(int32(2)))
	create := func(spec IndexSpec) error {
		_, err := st.Write(func(tx *Tx) error { _, err := tx.CreateIndex("db", "c", spec); return err })
		return err
	}
	if err := create(IndexSpec{Name: "a_1", Key: bson.D{bson.KV("a", int32(1))}, Unique: true, Sparse: true}); err != nil {
		t.Fatal(err)
	}
	// A second document without "a" is fine in a sparse unique index.
	insert(t, st, doc(int32(3)))
	_, err := st.Write(func(tx *Tx) error { return tx.Insert("db", "c", doc(int32(4), "a", 1.0)) })
	var dup *DuplicateKeyError
	if !errors.As(err, &dup) || dup.Index != "a_1" || fmt.Sprint(dup.KeyPattern) != `{"a":1}` || fmt.Sprint(dup.KeyValue) != `{"a":1.0}` {
		t.Fatalf("err = %v", err)
	}
	// Without sparse, two documents missing "b" both have the key null.
	if err := create(IndexSpec{Name: "b_1", Key: bson.D{bson.KV("b", int32(1))}, Unique: true}); err == nil {
		t.Fatal("unique index over two nulls built")
	}
	// Partial: only documents with big "c" are in it.
	big := func(d bson.D) bool { v, _ := lookupKey(d, "c").(int32); return v > 10 }
	if err := create(IndexSpec{Name: "c_1", Key: bson.D{bson.KV("c", int32(1))}, Unique: true, Partial: big}); err != nil {
		t.Fatal(err)
	}
	insert(t, st, doc(int32(5), "c", int32(1)), doc(int32(6), "c", int32(1)), doc(int32(7), "c", int32(20)))
	_, err = st.Write(func(tx *Tx) error { return tx.Insert("db", "c", doc(int32(8), "c", int32(20))) })
	if !errors.As(err, &dup) {
		t.Fatalf("partial unique: err = %v", err)
	}
}

func lookupKey(d bson.D, k string) any {
	for _, e := range d {
		if e.Key == k {
			return e.Value
		}
	}
	return nil
}

func TestEqualThroughIndexAndCompaction(t *testing.T) {
	st := New()
	for i := 0; i < 300; i++ {
		insert(t, st, doc(int32(i), "k", int32(i%3)))
	}
	_, err := st.Write(func(tx *Tx) error {
		_, err := tx.CreateIndex("db", "c", IndexSpec{Name: "k_1", Key: bson.D{bson.KV("k", int32(1))}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Delete two thirds: the collection compacts and renumbers.
	_, err = st.Write(func(tx *Tx) error {
		for i := 0; i < 300; i++ {
			if i%3 != 0 {
				if err := tx.Delete("db", "c", doc(int32(i))); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := coll(st)
	if c.holes != 0 {
		t.Errorf("holes %d after compaction", c.holes)
	}
	docs, ok := c.Equal("k", 0.0)
	if !ok || len(docs) != 100 || docs[0][0].Value != int32(0) || docs[99][0].Value != int32(297) {
		t.Fatalf("Equal(k, 0) = %d docs, %v", len(docs), ok)
	}
	if docs, _ := c.Equal("k", int32(1)); len(docs) != 0 {
		t.Errorf("Equal(k, 1) = %d docs after deleting them", len(docs))
	}
	if d, ok := c.FindID(int64(150)); !ok || d[0].Value != int32(150) {
		t.Errorf("FindID(150) after compaction = %v, %v", d, ok)
	}
}

func TestMultikeyIndexAndPathValues(t *testing.T) {
	d := bson.D{bson.KV("a", bson.A{bson.D{bson.KV("b", int32(1))}, bson.D{bson.KV("b", bson.A{int32(2), int32(3)})}})}
	if got := fmt.Sprint(PathValues(d, "a.b")); got != "[1 2 3]" {
		t.Errorf("PathValues(a.b) = %s", got)
	}
	if got := fmt.Sprint(PathValues(d, "a.1.b")); got != "[2 3]" {
		t.Errorf("PathValues(a.1.b) = %s", got)
	}
	st := New()
	insert(t, st, doc(int32(1), "tags", bson.A{"x", "y"}))
	_, err := st.Write(func(tx *Tx) error {
		_, err := tx.CreateIndex("db", "c", IndexSpec{Name: "tags_1", Key: bson.D{bson.KV("tags", int32(1))}, Unique: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Write(func(tx *Tx) error { return tx.Insert("db", "c", doc(int32(2), "tags", bson.A{"z", "y"})) })
	if err == nil {
		t.Error("multikey unique index let a shared element in")
	}
}

func TestRenameDropAndIndexErrors(t *testing.T) {
	st := New()
	insert(t, st, doc(int32(1)))
	_, err := st.Write(func(tx *Tx) error { return tx.Rename("db", "c", "db", "d", false) })
	if err != nil {
		t.Fatal(err)
	}
	st.View(func(r Reader) {
		if r.Coll("db", "c") != nil || r.Coll("db", "d") == nil || r.Coll("db", "d").Len() != 1 {
			t.Error("rename did not move the collection")
		}
	})
	var se *Error
	_, err = st.Write(func(tx *Tx) error { return tx.DropIndex("db", "d", "nope") })
	if !errors.As(err, &se) || se.Code != 27 {
		t.Errorf("drop missing index: %v", err)
	}
	_, err = st.Write(func(tx *Tx) error { return tx.DropCollection("db", "zzz") })
	if !errors.As(err, &se) || se.Code != 26 {
		t.Errorf("drop missing collection: %v", err)
	}
	_, err = st.Write(func(tx *Tx) error { return tx.DropDatabase("db") })
	if err != nil {
		t.Fatal(err)
	}
	st.View(func(r Reader) {
		if len(r.DBs()) != 0 {
			t.Errorf("DBs after dropDatabase: %v", r.DBs())
		}
	})
}

// A decimal equal to an integer or a double has its key: an index never
// misses it.
func TestKeyOfDecimals(t *testing.T) {
	for _, c := range []struct {
		dec   string
		other any
	}{{"1E+2", int32(100)}, {"100", int64(100)}, {"1.0", 1.0}, {"0.5", 0.5}, {"-0", int32(0)}, {"Infinity", math.Inf(1)}, {"9007199254740993", int64(9007199254740993)}} {
		d, err := bson.ParseDecimal128(c.dec)
		if err != nil {
			t.Fatal(err)
		}
		if Key(d) != Key(c.other) {
			t.Errorf("Key(Decimal128(%s)) = %q, Key(%v) = %q", c.dec, Key(d), c.other, Key(c.other))
		}
	}
}
