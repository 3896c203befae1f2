package mongotest

import (
	"strings"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// streamIDBase marks change stream cursor ids: the command set's cursor
// ids stay below it.
const streamIDBase = int64(1) << 62

// streams are the open change streams. Safe for concurrent use.
type streams struct {
	mu   sync.Mutex
	next int64
	m    map[int64]*stream
	done chan struct{} // closed at Close: awaiting getMores return
}

func newStreams() *streams {
	return &streams{next: streamIDBase, m: map[int64]*stream{}, done: make(chan struct{})}
}

// streamOptions are the options of a $changeStream stage.
type streamOptions struct {
	fullDocument string // "default", "updateLookup", "whenAvailable", "required"
	beforeChange string // "off", "whenAvailable", "required"
	expanded     bool   // showExpandedEvents
}

// stream is one change stream cursor: where it is in the oplog, what it
// watches, and the stages after $changeStream.
type stream struct {
	mu       sync.Mutex // one getMore at a time
	id       int64
	ns       string // the cursor's namespace
	db, coll string // coll "" watches a database; cluster every database
	cluster  bool
	opts     streamOptions
	pipeline *engine.Pipeline
	batch    int
	pos      position // the last event returned or examined
	ended    bool     // its invalidate was returned
	api      string   // the API parameters of its aggregate (apiParams.key)
}

// watches reports whether the stream shows entry e's namespace.
func (s *stream) watches(e store.Entry) bool {
	if s.coll == "" && strings.HasPrefix(e.Coll, "system.") { // time series buckets, as mongod hides them
		return false
	}
	switch {
	case s.cluster:
		return e.DB != "admin" && e.DB != "local" && e.DB != "config"
	case s.coll == "":
		return e.DB == s.db
	}
	return e.DB == s.db && e.Coll == s.coll
}

// closeStreams wakes every awaiting getMore for Close.
func (s *Server) closeStreams() {
	s.cursors.shutdown()
	if s.streams == nil {
		return
	}
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	select {
	case <-s.streams.done:
	default:
		close(s.streams.done)
	}
}

// streamCommand answers the commands of change streams: an aggregate
// whose first stage is $changeStream, and getMore and killCursors of a
// change stream cursor. ok is false for any other command.
func (s *Server) streamCommand(m *member, req *wirehost.Request) (wirehost.Reply, bool) {
	switch req.Name {
	case "aggregate":
		stages, _ := req.Lookup("pipeline").Array()
		first, _ := stages.Index(0)
		if d, ok := first.Document(); !ok || d.Lookup("$changeStream").IsZero() {
			return wirehost.Reply{}, false
		}
		return replyOf(s.openStream(req)), true
	case "getMore":
		id, _ := req.Lookup("getMore").AsInt64()
		if id < streamIDBase {
			return wirehost.Reply{}, false
		}
		return replyOf(s.streamGetMore(req, id)), true
	case "killCursors":
		ids, _ := req.Lookup("cursors").Array()
		first, _ := ids.Index(0)
		if id, _ := first.AsInt64(); id < streamIDBase {
			return wirehost.Reply{}, false
		}
		return replyOf(s.killStreams(ids)), true
	}
	return wirehost.Reply{}, false
}

// replyOf turns a handler's result into a reply.
func replyOf(d bson.D, err error) wirehost.Reply {
	if err != nil {
		return errorReply(err)
	}
	return wirehost.Reply{Doc: wirehost.Doc(append(d, bson.KV("ok", 1.0))...)}
}

// streamFetch reads the events after the stream's position, at most
// limit (0: no limit), and moves the position past what it examined.
func (s *Server) streamFetch(st *stream, limit int) ([]bson.D, error) {
	entries, _ := s.store.Oplog(st.pos.ts)
	ec := eventCtx{opts: &st.opts, lookup: s.lookupID, images: s.imagesEnabled}
	var out []bson.D
	for _, e := range entries {
		if limit > 0 && len(out) >= limit || st.ended {
			break
		}
		if st.pos.invalidate && e.TS == st.pos.ts {
			continue
		}
		ev, invalidate, err := st.event(e, ec)
		if err != nil {
			return nil, err
		}
		st.pos = position{ts: e.TS}
		if ev != nil {
			kept, err := st.filter(ev)
			if err != nil {
				return nil, err
			}
			out = append(out, kept...)
		}
		if invalidate {
			out = append(out, invalidateEvent(e.TS))
			st.pos.invalidate, st.ended = true, true
		}
	}
	return out, nil
}

// filter runs the stages after $changeStream on one event; the event's
// _id must come through unchanged.
func (st *stream) filter(ev bson.D) ([]bson.D, error) {
	if st.pipeline == nil {
		return []bson.D{ev}, nil
	}
	out, err := st.pipeline.Run([]bson.D{ev})
	if err != nil {
		return nil, err
	}
	for _, d := range out {
		if !engine.Equal(lookup(d, "_id"), lookup(ev, "_id")) {
			return nil, errChangeStreamFatal(
				"Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed.")
		}
	}
	return out, nil
}

// lookupID is updateLookup: the document with _id id now, if any.
func (s *Server) lookupID(db, coll string, id any) (doc bson.D, ok bool) {
	s.store.View(func(r store.Reader) {
		if c := r.Coll(db, coll); c != nil {
			doc, ok = c.FindID(id)
		}
	})
	return doc, ok
}

// imagesEnabled reports whether db.coll records pre- and post-images.
func (s *Server) imagesEnabled(db, coll string) (on bool) {
	s.store.View(func(r store.Reader) {
		if c := r.Coll(db, coll); c != nil {
			opt, _ := c.Option("changeStreamPreAndPostImages").(bson.D)
			on, _ = lookup(opt, "enabled").(bool)
		}
	})
	return on
}

// streamGetMore answers getMore on a change stream: the events after its
// position, waiting up to maxTimeMS (default 1s) for the first.
func (s *Server) streamGetMore(req *wirehost.Request, id int64) (bson.D, error) {
	s.streams.mu.Lock()
	st := s.streams.m[id]
	s.streams.mu.Unlock()
	if st == nil {
		return nil, cmdErrorf(43, "CursorNotFound", "cursor id %d not found", id)
	}
	if err := checkAPIMatch("getMore", apiKeyOf(req.Command), st.api, "cursor-creating command"); err != nil {
		return nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	limit := st.batch
	if n, ok := req.Lookup("batchSize").AsInt64(); ok && n > 0 {
		limit = int(n)
	}
	wait := time.Second
	if ms, ok := req.Lookup("maxTimeMS").AsInt64(); ok {
		wait = time.Duration(ms) * time.Millisecond
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		_, changed := s.store.Oplog(st.pos.ts)
		batch, err := s.streamFetch(st, limit)
		if err != nil {
			s.dropStream(id)
			return nil, err
		}
		if len(batch) > 0 || st.ended {
			return s.streamReply("nextBatch", st, batch), nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return s.streamReply("nextBatch", st, nil), nil
		case <-s.streams.done:
			return s.streamReply("nextBatch", st, nil), nil
		}
	}
}

// streamReply is a cursor reply with the postBatchResumeToken; a stream
// that returned its invalidate is closed (id 0).
func (s *Server) streamReply(key string, st *stream, batch []bson.D) bson.D {
	id := st.id
	if st.ended {
		s.dropStream(id)
		id = 0
	}
	arr := bson.A{}
	for _, d := range batch {
		arr = append(arr, d)
	}
	cur := bson.D{bson.KV(key, arr), bson.KV("postBatchResumeToken", st.pos.token()),
		bson.KV("id", id), bson.KV("ns", st.ns)}
	return bson.D{bson.KV("cursor", cur)}
}

func (s *Server) dropStream(id int64) {
	s.streams.mu.Lock()
	delete(s.streams.m, id)
	s.streams.mu.Unlock()
}

// killStreams answers killCursors for change stream cursors.
func (s *Server) killStreams(ids bson.RawArray) (bson.D, error) {
	killed, notFound := bson.A{}, bson.A{}
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	for _, v := range ids.All() {
		id, _ := v.AsInt64()
		if _, ok := s.streams.m[id]; ok {
			delete(s.streams.m, id)
			killed = append(killed, id)
		} else {
			notFound = append(notFound, id)
		}
	}
	return bson.D{bson.KV("cursorsKilled", killed), bson.KV("cursorsNotFound", notFound),
		bson.KV("cursorsAlive", bson.A{}), bson.KV("cursorsUnknown", bson.A{})}, nil
}

// errChangeStreamFatal is ChangeStreamFatalError (280), which MongoDB
// labels NonResumableChangeStreamError.
func errChangeStreamFatal(format string, args ...any) *cmdError {
	e := cmdErrorf(280, "ChangeStreamFatalError", format, args...)
	e.Extra = bson.D{bson.KV("errorLabels", bson.A{"NonResumableChangeStreamError"})}
	return e
}
