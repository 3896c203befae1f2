package mongotest

import (
	"sync"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
)

// Snapshot reads (readConcern {level: "snapshot", atClusterTime}) outside
// transactions. A read without atClusterTime reads a fork of the store
// taken now and answers its time as atClusterTime; the set keeps the last
// forks, so that a later read at one of those times reads the same data.
// A time it no longer has is SnapshotTooOld, as on a server whose history
// window has passed.

// snapshotsKept bounds the forks kept for atClusterTime reads.
const snapshotsKept = 64

// snapshots are the forks kept for snapshot reads, by cluster time. Safe
// for concurrent use.
type snapshots struct {
	mu    sync.Mutex
	byTS  map[bson.Timestamp]*Server
	order []bson.Timestamp
}

// snapshotRead runs a read with readConcern level snapshot.
func (s *Server) snapshotRead(peer *wirehost.Peer, req *wirehost.Request) wirehost.Reply {
	switch req.Name {
	case "find", "aggregate", "distinct", "getMore", "killCursors":
	default:
		return errorReply(cmdErrorf(72, "InvalidOptions", "readConcern level snapshot is not supported for %s", req.Name))
	}
	t, i, hasAt := req.Lookup("readConcern", "atClusterTime").Timestamp()
	fork, ts, err := s.snapshotAt(bson.Timestamp{T: t, I: i}, hasAt)
	if err != nil {
		return errorReply(err)
	}
	r := backend{fork}.Command(peer, withoutFields(req, txnFields))
	if hasAt || failed(r.Doc) {
		return r
	}
	return wirehost.Reply{Doc: withAtClusterTime(r.Doc, ts)}
}

// snapshotAt returns the fork of the store at ts (at now when !hasAt).
func (s *Server) snapshotAt(ts bson.Timestamp, hasAt bool) (*Server, bson.Timestamp, error) {
	sn := &s.sessions.snaps
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.byTS == nil {
		sn.byTS = map[bson.Timestamp]*Server{}
	}
	if hasAt {
		if f, ok := sn.byTS[ts]; ok {
			return f, ts, nil
		}
		if ts != s.store.ClusterTime() {
			return nil, ts, cmdErrorf(239, "SnapshotTooOld", "mongotest keeps no snapshot at %v", ts)
		}
	}
	store, at := s.store.Fork()
	f := s.over(store)
	if _, ok := sn.byTS[at]; !ok {
		sn.byTS[at] = f
		sn.order = append(sn.order, at)
		if len(sn.order) > snapshotsKept {
			delete(sn.byTS, sn.order[0])
			sn.order = sn.order[1:]
		}
	}
	return sn.byTS[at], at, nil
}

// withAtClusterTime adds atClusterTime to a read's reply: in its cursor
// document (find, aggregate) or at the top (distinct).
func withAtClusterTime(doc bson.Raw, ts bson.Timestamp) bson.Raw {
	var d bson.D
	if err := bson.Unmarshal(doc, &d); err != nil {
		return doc
	}
	for i, e := range d {
		if cur, ok := e.Value.(bson.D); ok && e.Key == "cursor" {
			d[i].Value = append(cur, bson.KV("atClusterTime", ts))
			return wirehost.Doc(d...)
		}
	}
	return wirehost.Doc(append(d, bson.KV("atClusterTime", ts))...)
}
