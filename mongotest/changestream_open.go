package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/engine"
)

// allowedAfterChangeStream are the stages MongoDB allows after
// $changeStream.
var allowedAfterChangeStream = map[string]bool{
	"$match": true, "$project": true, "$addFields": true, "$set": true, "$unset": true,
	"$replaceRoot": true, "$replaceWith": true, "$redact": true,
}

// openStream answers an aggregate that opens a change stream: on a
// collection ({aggregate: coll}), a database ({aggregate: 1}) or the
// cluster (admin, allChangesForCluster). Its first batch holds the events
// already after its start (resumeAfter, startAfter, startAtOperationTime).
func (s *Server) openStream(req *wirehost.Request) (bson.D, error) {
	var cmd bson.D
	if err := bson.Unmarshal(req.Command, &cmd); err != nil {
		return nil, cmdErrorf(9, "FailedToParse", "cannot decode the command: %v", err)
	}
	st := &stream{db: req.DB, batch: 101, api: apiKeyOf(req.Command)}
	if coll, ok := cmd[0].Value.(string); ok {
		st.coll, st.ns = coll, req.DB+"."+coll
	} else {
		st.ns = req.DB + ".$cmd.aggregate"
	}
	if cur, ok := lookup(cmd, "cursor").(bson.D); ok {
		if n, ok := asInt(lookup(cur, "batchSize")); ok && n > 0 {
			st.batch = int(n)
		}
	}
	stages, _ := lookup(cmd, "pipeline").(bson.A)
	spec, _ := stages[0].(bson.D)
	opts, _ := lookup(spec, "$changeStream").(bson.D)
	if err := s.streamStart(st, opts); err != nil {
		return nil, err
	}
	if err := st.compile(req.DB, stages[1:]); err != nil {
		return nil, err
	}
	batch, err := s.streamFetch(st, st.batch)
	if err != nil {
		return nil, err
	}
	s.streams.mu.Lock()
	s.streams.next++
	st.id = s.streams.next
	s.streams.m[st.id] = st
	s.streams.mu.Unlock()
	return s.streamReply("firstBatch", st, batch), nil
}

// streamStart reads the $changeStream options and sets where the stream
// starts.
func (s *Server) streamStart(st *stream, opts bson.D) error {
	st.pos = position{ts: s.store.ClusterTime()}
	st.opts = streamOptions{fullDocument: "default", beforeChange: "off"}
	starts := 0
	for _, e := range opts {
		var err error
		switch e.Key {
		case "fullDocument":
			st.opts.fullDocument, err = oneOf("$changeStream.fullDocument", e.Value, "default", "updateLookup", "whenAvailable", "required")
		case "fullDocumentBeforeChange":
			st.opts.beforeChange, err = oneOf("$changeStream.fullDocumentBeforeChange", e.Value, "off", "whenAvailable", "required")
		case "showExpandedEvents":
			st.opts.expanded, _ = e.Value.(bool)
		case "allChangesForCluster":
			st.cluster, _ = e.Value.(bool)
			if st.cluster && (st.db != "admin" || st.coll != "") {
				return cmdErrorf(72, "InvalidOptions", "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name")
			}
		case "resumeAfter", "startAfter":
			starts++
			p, perr := parseToken(e.Value)
			if perr != nil {
				return perr
			}
			if p.invalidate && e.Key == "resumeAfter" {
				return cmdErrorf(260, "InvalidResumeToken", "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification.")
			}
			st.pos = p
		case "startAtOperationTime":
			starts++
			ts, ok := e.Value.(bson.Timestamp)
			if !ok {
				return typeMismatch("$changeStream.startAtOperationTime", "timestamp", e.Value)
			}
			st.pos = position{ts: before(ts)}
		default:
			return cmdErrorf(40415, "Location40415", "BSON field '$changeStream.%s' is an unknown field.", e.Key)
		}
		if err != nil {
			return err
		}
	}
	if starts > 1 {
		return cmdErrorf(40674, "Location40674", "Only one type of resume option is allowed, but multiple were found.")
	}
	if st.db == "admin" && !st.cluster {
		return cmdErrorf(73, "InvalidNamespace", "$changeStream may not be opened on the internal admin database")
	}
	return nil
}

// before is the timestamp just before ts, so that the events at ts come
// after it.
func before(ts bson.Timestamp) bson.Timestamp {
	if ts.I > 0 {
		return bson.Timestamp{T: ts.T, I: ts.I - 1}
	}
	if ts.T > 0 {
		return bson.Timestamp{T: ts.T - 1, I: ^uint32(0)}
	}
	return ts
}

// oneOf reads a string option that must be one of allowed.
func oneOf(field string, v any, allowed ...string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", typeMismatch(field, "string", v)
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", badValue("'%s' is not a valid value for %s", s, field)
}

// compile checks and compiles the stages after $changeStream.
func (st *stream) compile(db string, rest bson.A) error {
	var stages []bson.D
	for _, v := range rest {
		d, ok := v.(bson.D)
		if !ok || len(d) != 1 {
			return cmdErrorf(40323, "Location40323", "A pipeline stage specification object must contain exactly one field.")
		}
		if d[0].Key == "$changeStream" {
			return cmdErrorf(40602, "Location40602", "$changeStream is only valid as the first stage in a pipeline.")
		}
		if !allowedAfterChangeStream[d[0].Key] {
			return cmdErrorf(20, "IllegalOperation", "%s is not permitted in a $changeStream pipeline", d[0].Key)
		}
		stages = append(stages, d)
	}
	if len(stages) == 0 {
		return nil
	}
	p, err := engine.CompilePipeline(stages, engine.Env{DB: db})
	if err != nil {
		return err
	}
	st.pipeline = p
	return nil
}
