package mongotest

import (
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// Replication lag. With ReplicaSetOptions.Lag, a secondary has applied
// the writes that happened at least Lag ago: a read there sees the store
// as it was before the later ones (their documents reverted on a fork of
// the store). A read with readConcern afterClusterTime waits until the
// member has applied that time, as MongoDB does, at most Lag (or its
// maxTimeMS). Of the commands, create and createIndexes replicate at once
// (a new collection shows empty); while another (drop, rename ...) is
// pending, a read sees the current data.

// laggedReads are the reads a lagging secondary answers from its past.
var laggedReads = map[string]bool{"find": true, "aggregate": true, "count": true, "distinct": true}

// laggedRead runs a read on a lagging secondary.
func (s *Server) laggedRead(m *member, peer *wirehost.Peer, req *wirehost.Request, lag time.Duration) wirehost.Reply {
	after := bson.Timestamp{}
	if t, i, ok := req.Lookup("readConcern", "afterClusterTime").Timestamp(); ok {
		after = bson.Timestamp{T: t, I: i}
	}
	deadline := time.Now().Add(lag)
	if ms, ok := req.Lookup("maxTimeMS").AsInt64(); ok && ms > 0 {
		deadline = time.Now().Add(time.Duration(ms) * time.Millisecond)
	}
	for {
		pending := s.pending(lag)
		if len(pending) == 0 || !store.Less(pending[0].TS, after) && pending[0].TS != after {
			return s.readPast(peer, req, pending)
		}
		// afterClusterTime is not applied yet: wait until it is.
		wait := time.Until(pending[0].Wall.Add(lag))
		if time.Now().Add(wait).After(deadline) {
			return errorReply(cmdErrorf(50, "MaxTimeMSExpired", "operation exceeded time limit waiting for afterClusterTime %v", after))
		}
		select {
		case <-time.After(wait):
		case <-s.streams.done:
			return errorReply(cmdErrorf(91, "ShutdownInProgress", "The server is shutting down"))
		}
	}
}

// pending are the oplog entries a member lagging by lag has not applied
// yet, oldest first.
func (s *Server) pending(lag time.Duration) []store.Entry {
	entries, _ := s.store.Oplog(bson.Timestamp{})
	cut := time.Now().Add(-lag)
	i := len(entries)
	for i > 0 && entries[i-1].Wall.After(cut) {
		i--
	}
	return entries[i:]
}

// readPast runs req on the store as it was before pending.
func (s *Server) readPast(peer *wirehost.Peer, req *wirehost.Request, pending []store.Entry) wirehost.Reply {
	req = withoutFields(req, map[string]bool{"readConcern": true, "txnNumber": true})
	if len(pending) == 0 {
		return backend{s}.Command(peer, req)
	}
	for _, e := range pending {
		if e.Op == "c" && e.Cmd[0].Key != "create" && e.Cmd[0].Key != "createIndexes" {
			return backend{s}.Command(peer, req) // replicated at once
		}
	}
	fork, _ := s.store.Fork()
	_, err := fork.Write(func(tx *store.Tx) error {
		for i := len(pending) - 1; i >= 0; i-- {
			if err := revert(tx, pending[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return errorReply(err)
	}
	return backend{s.over(fork)}.Command(peer, req)
}

// revert undoes a document write on a fork.
func revert(tx *store.Tx, e store.Entry) error {
	switch e.Op {
	case "i":
		return tx.Delete(e.DB, e.Coll, e.Doc)
	case "u":
		return tx.Replace(e.DB, e.Coll, e.Doc, e.Pre, nil)
	case "d":
		return tx.Insert(e.DB, e.Coll, e.Pre)
	}
	return nil
}
