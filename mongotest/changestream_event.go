package mongotest

import (
	"encoding/hex"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// Resume tokens are {_data: hex}: the event's cluster time (8 hex digits
// of seconds, 8 of increment) then a kind, "00" for the event of an
// oplog entry and "01" for the invalidate that follows it. They compare
// as strings in the order of the events, as MongoDB's do.

// position is a place in the stream of events: after the entry at ts,
// and past its invalidate when invalidate is set.
type position struct {
	ts         bson.Timestamp
	invalidate bool
}

// token is the resume token of the event at p.
func (p position) token() bson.D {
	kind := 0
	if p.invalidate {
		kind = 1
	}
	return bson.D{bson.KV("_data", fmt.Sprintf("82%08X%08X%02X", p.ts.T, p.ts.I, kind))}
}

// parseToken reads a resume token.
func parseToken(v any) (position, error) {
	d, ok := v.(bson.D)
	s, _ := lookup(d, "_data").(string)
	if !ok || len(s) != 20 || s[:2] != "82" {
		return position{}, cmdErrorf(260, "InvalidResumeToken", "the resume token %v is not one of mongotest's", v)
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil || b[8] > 1 {
		return position{}, cmdErrorf(260, "InvalidResumeToken", "the resume token %v is malformed", v)
	}
	t := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	i := uint32(b[4])<<24 | uint32(b[5])<<16 | uint32(b[6])<<8 | uint32(b[7])
	return position{ts: bson.Timestamp{T: t, I: i}, invalidate: b[8] == 1}, nil
}

// eventCtx is what building an event needs beside the entry: the
// stream's options and a look at the current documents (updateLookup).
type eventCtx struct {
	opts   *streamOptions
	lookup func(db, coll string, id any) (bson.D, bool)
	images func(db, coll string) bool // changeStreamPreAndPostImages enabled
}

// event builds the change event of entry e, nil when the stream does not
// show it; invalidate reports that the stream ends after it.
func (s *stream) event(e store.Entry, ec eventCtx) (ev bson.D, invalidate bool, err error) {
	if !s.watches(e) {
		return nil, false, nil
	}
	head := bson.D{bson.KV("_id", position{ts: e.TS}.token()), bson.E{},
		bson.KV("clusterTime", e.TS), bson.KV("wallTime", bson.DateTime(int64(e.TS.T)*1000))}
	ns := bson.D{bson.KV("db", e.DB), bson.KV("coll", e.Coll)}
	if e.Txn != nil && e.Op != "c" { // written by a transaction's commit
		head = append(head, bson.KV("txnNumber", e.Txn.Number), bson.KV("lsid", e.Txn.Lsid))
	}
	expanded := s.opts.expanded
	uuid := func(d bson.D) bson.D {
		if expanded && e.UUID.Data != nil {
			return append(d, bson.KV("collectionUUID", e.UUID))
		}
		return d
	}
	switch e.Op {
	case "i":
		head[1] = bson.KV("operationType", "insert")
		ev = append(uuid(head), bson.KV("fullDocument", e.Doc), bson.KV("ns", ns),
			bson.KV("documentKey", bson.D{bson.KV("_id", e.ID)}))
	case "u", "d":
		ev, err = s.writeEvent(e, uuid(head), ns, ec)
	case "c":
		return s.commandEvent(e, uuid(head), ns)
	}
	return ev, false, err
}

// writeEvent is an update, replace or delete event.
func (s *stream) writeEvent(e store.Entry, head, ns bson.D, ec eventCtx) (bson.D, error) {
	key := bson.D{bson.KV("_id", e.ID)}
	var ev bson.D
	switch {
	case e.Op == "d":
		head[1] = bson.KV("operationType", "delete")
		ev = append(head, bson.KV("ns", ns), bson.KV("documentKey", key))
	case e.Update == nil:
		head[1] = bson.KV("operationType", "replace")
		ev = append(head, bson.KV("fullDocument", e.Doc), bson.KV("ns", ns), bson.KV("documentKey", key))
	default:
		head[1] = bson.KV("operationType", "update")
		full, err := s.postImage(e, ec)
		if err != nil {
			return nil, err
		}
		if full != nil {
			head = append(head, bson.KV("fullDocument", full))
		}
		desc := bson.D{bson.KV("updatedFields", orEmpty(e.Update.UpdatedFields)),
			bson.KV("removedFields", strArray(e.Update.RemovedFields)), bson.KV("truncatedArrays", truncated(e.Update.TruncatedArrays))}
		if dp := disambiguatedPaths(e); s.opts.expanded && len(dp) > 0 {
			desc = append(desc, bson.KV("disambiguatedPaths", dp))
		}
		ev = append(head, bson.KV("ns", ns), bson.KV("documentKey", key), bson.KV("updateDescription", desc))
	}
	return s.preImage(e, ev, ec)
}

// postImage is an update event's fullDocument per the fullDocument
// option: nil for none, bson.D{} never; a null stands for a missing one.
func (s *stream) postImage(e store.Entry, ec eventCtx) (any, error) {
	switch s.opts.fullDocument {
	case "updateLookup":
		if doc, ok := ec.lookup(e.DB, e.Coll, e.ID); ok {
			return doc, nil
		}
		return nullValue{}, nil
	case "whenAvailable", "required":
		if ec.images(e.DB, e.Coll) {
			return e.Doc, nil
		}
		if s.opts.fullDocument == "required" {
			return nil, errChangeStreamFatal(
				"Change stream was configured to require a post-image for all update, delete and replace events, but the post-image was not found for event: %v", e.ID)
		}
		return nullValue{}, nil
	}
	return nil, nil
}

// preImage adds fullDocumentBeforeChange to an update, replace or delete
// event per its option.
func (s *stream) preImage(e store.Entry, ev bson.D, ec eventCtx) (bson.D, error) {
	switch s.opts.beforeChange {
	case "whenAvailable", "required":
		if ec.images(e.DB, e.Coll) && e.Pre != nil {
			return append(ev, bson.KV("fullDocumentBeforeChange", e.Pre)), nil
		}
		if s.opts.beforeChange == "required" {
			return nil, errChangeStreamFatal(
				"Change stream was configured to require a pre-image for all update, delete and replace events, but the pre-image was not found for event: %v", e.ID)
		}
		return append(ev, bson.KV("fullDocumentBeforeChange", nullValue{})), nil
	}
	return ev, nil
}

// nullValue marshals as BSON null in a bson.D (a nil value would too, but
// nil marks "absent" above).
type nullValue struct{}

func (nullValue) MarshalBSONValue() (byte, []byte, error) { return byte(bson.TypeNull), nil, nil }

func orEmpty(d bson.D) bson.D {
	if d == nil {
		return bson.D{}
	}
	return d
}

func strArray(s []string) bson.A {
	out := bson.A{}
	for _, x := range s {
		out = append(out, x)
	}
	return out
}

func truncated(ts []store.Truncated) bson.A {
	out := bson.A{}
	for _, t := range ts {
		out = append(out, bson.D{bson.KV("field", t.Field), bson.KV("newSize", t.NewSize)})
	}
	return out
}

// commandEvent is the event of a command entry (drop, rename,
// dropDatabase; create, createIndexes, dropIndexes, modify with
// showExpandedEvents), and whether an invalidate follows it.
func (s *stream) commandEvent(e store.Entry, head, ns bson.D) (bson.D, bool, error) {
	if len(e.Cmd) == 0 {
		return nil, false, nil
	}
	name := e.Cmd[0].Key
	expanded := s.opts.expanded
	switch name {
	case "drop":
		head[1] = bson.KV("operationType", "drop")
		return append(head, bson.KV("ns", ns)), s.coll != "", nil
	case "renameCollection":
		to, _ := lookup(e.Cmd, "to").(string)
		toDB, toColl := splitNamespace(to)
		head[1] = bson.KV("operationType", "rename")
		ev := append(head, bson.KV("ns", ns), bson.KV("to", bson.D{bson.KV("db", toDB), bson.KV("coll", toColl)}))
		if expanded {
			desc := bson.D{bson.KV("to", bson.D{bson.KV("db", toDB), bson.KV("coll", toColl)})}
			if dt, _ := lookup(e.Cmd, "dropTarget").(bool); dt {
				desc = append(desc, bson.KV("dropTarget", true))
			}
			ev = append(ev, bson.KV("operationDescription", desc))
		}
		return ev, s.coll != "" && s.coll == e.Coll, nil
	case "dropDatabase":
		if s.coll != "" {
			return nil, false, nil // its collections' drops ended the stream
		}
		head[1] = bson.KV("operationType", "dropDatabase")
		return append(head[:4], bson.KV("ns", bson.D{bson.KV("db", e.DB)})), !s.cluster, nil
	}
	if !expanded {
		return nil, false, nil
	}
	switch name {
	case "create":
		head[1] = bson.KV("operationType", "create")
		desc, nsType := bson.D{bson.KV("idIndex", idIndexSpec())}, "collection"
		if on := lookup(e.Cmd, "viewOn"); on != nil {
			desc, nsType = bson.D{bson.KV("viewOn", on), bson.KV("pipeline", lookup(e.Cmd, "pipeline"))}, "view"
			head = head[:4] // a view has no collectionUUID
			if lookup(e.Cmd, "timeseries") != nil {
				nsType = "timeseries"
			}
		}
		return append(head, bson.KV("ns", ns), bson.KV("operationDescription", desc), bson.KV("nsType", nsType)), false, nil
	case "createIndexes", "dropIndexes":
		head[1] = bson.KV("operationType", name)
		spec := lookup(e.Cmd, "spec")
		return append(head, bson.KV("ns", ns), bson.KV("operationDescription", bson.D{bson.KV("indexes", bson.A{spec})})), false, nil
	case "shardCollection":
		head[1] = bson.KV("operationType", "shardCollection")
		desc := bson.D{bson.KV("shardKey", lookup(e.Cmd, "key")), bson.KV("unique", lookup(e.Cmd, "unique")),
			bson.KV("presplitHashedZones", false)}
		return append(head, bson.KV("ns", ns), bson.KV("operationDescription", desc)), false, nil
	case "collMod":
		head[1] = bson.KV("operationType", "modify")
		return append(head, bson.KV("ns", ns), bson.KV("operationDescription", e.Cmd[1:])), false, nil
	}
	return nil, false, nil
}

// idIndexSpec is the _id index of a new collection.
func idIndexSpec() bson.D {
	return bson.D{bson.KV("v", int32(2)), bson.KV("key", bson.D{bson.KV("_id", int32(1))}), bson.KV("name", "_id_")}
}

// splitNamespace cuts "db.coll" at its first dot.
func splitNamespace(ns string) (db, coll string) {
	for i := 0; i < len(ns); i++ {
		if ns[i] == '.' {
			return ns[:i], ns[i+1:]
		}
	}
	return ns, ""
}

// invalidateEvent is the event that ends a stream after the entry at ts.
func invalidateEvent(ts bson.Timestamp) bson.D {
	return bson.D{bson.KV("_id", position{ts: ts, invalidate: true}.token()), bson.KV("operationType", "invalidate"),
		bson.KV("clusterTime", ts), bson.KV("wallTime", bson.DateTime(int64(ts.T)*1000))}
}
