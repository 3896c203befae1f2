package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// collMod {index: {keyPattern | name, hidden, expireAfterSeconds,
// prepareUnique, unique}} changes one index's options, as mongod 8.0
// does: hidden and expireAfterSeconds are shown (a hidden index is kept
// up to date), prepareUnique refuses new duplicate keys while the old ones
// stay, and unique: true (which needs prepareUnique first) fails with
// CannotConvertIndexToUnique (359) and the _ids of every group of
// duplicates as violations when there are any. The reply carries the
// old and new values (hidden_old, hidden_new, ...).

// indexMod is what one collMod asks of an index.
type indexMod struct {
	keyPattern              bson.D
	name                    string
	hidden, prepare, unique *bool
	expire                  any
}

func parseIndexMod(v any) (m indexMod, err error) {
	d, ok := v.(bson.D)
	if !ok {
		return m, typeMismatch("collMod.index", "object", v)
	}
	for _, e := range d {
		switch e.Key {
		case "keyPattern":
			if m.keyPattern, ok = e.Value.(bson.D); !ok {
				return m, typeMismatch("collMod.index.keyPattern", "object", e.Value)
			}
		case "name":
			if m.name, ok = e.Value.(string); !ok {
				return m, typeMismatch("collMod.index.name", "string", e.Value)
			}
		case "hidden", "prepareUnique", "unique":
			b, err := asBool("collMod.index."+e.Key, e.Value, false)
			if err != nil {
				return m, err
			}
			switch e.Key {
			case "hidden":
				m.hidden = &b
			case "prepareUnique":
				m.prepare = &b
			default:
				m.unique = &b
			}
		case "expireAfterSeconds":
			if n, ok := asInt(e.Value); !ok || n < 0 {
				return m, badValue("TTL index 'expireAfterSeconds' option must be a non-negative number, got %v", e.Value)
			}
			m.expire = e.Value
		default:
			return m, cmdErrorf(40415, "Location40415", "BSON field 'collMod.index.%s' is an unknown field.", e.Key)
		}
	}
	switch {
	case m.keyPattern == nil && m.name == "":
		return m, cmdErrorf(72, "InvalidOptions", "Must specify either index name or key pattern.")
	case m.keyPattern != nil && m.name != "":
		return m, cmdErrorf(72, "InvalidOptions", "Cannot specify both key pattern and name.")
	case m.hidden == nil && m.prepare == nil && m.unique == nil && m.expire == nil:
		return m, cmdErrorf(72, "InvalidOptions", "no expireAfterSeconds, hidden, prepareUnique or unique field")
	case m.unique != nil && !*m.unique:
		return m, badValue("collMod does not support converting an index to 'unique: false'")
	}
	return m, nil
}

// collModIndex applies the index part of a collMod to db.coll in tx and
// returns the reply's old and new values.
func collModIndex(tx *store.Tx, db, coll string, m indexMod, cmd bson.D) (bson.D, error) {
	cl := tx.Reader().Coll(db, coll)
	if cl == nil || cl.IsView() {
		return nil, cmdErrorf(26, "NamespaceNotFound", "ns does not exist: %s.%s", db, coll)
	}
	var spec *store.IndexSpec
	for _, ix := range cl.Indexes() {
		if ix.Name == m.name || m.keyPattern != nil && store.Key(ix.Key) == store.Key(m.keyPattern) {
			spec = &ix
			break
		}
	}
	if spec == nil {
		return nil, cmdErrorf(27, "IndexNotFound", "cannot find index %v for ns %s.%s", indexWanted(m), db, coll)
	}
	if spec.Name == "_id_" {
		return nil, badValue("cannot modify the _id index")
	}
	var reply bson.D
	next := *spec
	next.Spec = append(bson.D{}, spec.Spec...)
	if m.hidden != nil {
		old, _ := lookup(spec.Spec, "hidden").(bool)
		reply = append(reply, bson.KV("hidden_old", old), bson.KV("hidden_new", *m.hidden))
		next.Spec = setOrDrop(next.Spec, "hidden", *m.hidden)
	}
	if m.expire != nil {
		old := lookup(spec.Spec, "expireAfterSeconds")
		if old == nil {
			return nil, cmdErrorf(72, "InvalidOptions", "no expireAfterSeconds field to update")
		}
		reply = append(reply, bson.KV("expireAfterSeconds_old", old), bson.KV("expireAfterSeconds_new", m.expire))
		next.Spec = setField(next.Spec, "expireAfterSeconds", m.expire)
	}
	if m.prepare != nil {
		reply = append(reply, bson.KV("prepareUnique_old", spec.PrepareUnique), bson.KV("prepareUnique_new", *m.prepare))
		next.PrepareUnique = *m.prepare
		next.Spec = setOrDrop(next.Spec, "prepareUnique", *m.prepare)
	}
	if m.unique != nil && !spec.Unique {
		if err := checkConvertible(cl, next); err != nil {
			return nil, err
		}
		reply = append(reply, bson.KV("unique_new", true))
		next.Unique, next.PrepareUnique = true, false
		next.Spec = setField(setOrDrop(next.Spec, "prepareUnique", false), "unique", true)
	}
	return reply, tx.ModifyIndex(db, coll, spec.Name, next, cmd)
}

// checkConvertible refuses unique: true before prepareUnique, or while
// documents share a key (359, with the violations).
func checkConvertible(cl *store.Collection, spec store.IndexSpec) error {
	if !spec.PrepareUnique {
		return cmdErrorf(72, "InvalidOptions", "Cannot make index unique with 'unique: true' unless 'prepareUnique' is set to true first")
	}
	dups := cl.Duplicates(spec.Name)
	if len(dups) == 0 {
		return nil
	}
	violations := bson.A{}
	for _, ids := range dups {
		violations = append(violations, bson.D{bson.KV("ids", bson.A(ids))})
	}
	e := cmdErrorf(359, "CannotConvertIndexToUnique", "Cannot convert the index to unique. Please resolve conflicting documents before running collMod again.")
	e.Extra = bson.D{bson.KV("violations", violations)}
	return e
}

func indexWanted(m indexMod) any {
	if m.name != "" {
		return m.name
	}
	return m.keyPattern
}

// setOrDrop sets a boolean option shown only when true.
func setOrDrop(d bson.D, key string, on bool) bson.D {
	if on {
		return setField(d, key, true)
	}
	out := d[:0:0]
	for _, e := range d {
		if e.Key != key {
			out = append(out, e)
		}
	}
	return out
}
