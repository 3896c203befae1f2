package mongotest

import (
	"strings"
	"sync"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
)

// Routers. A mongos (ReplicaSetOptions.Mongos) and the mongos behind a
// load balancer (ReplicaSetOptions.LoadBalanced) are members whose
// commands go to the shard's primary, in process: the replica set is the
// cluster's one shard. A router has its own port, its own hello
// (msg: "isdbgrid", no setName), its own fail points (so that a test can
// target one mongos) and its own table of the transactions begun through
// it, as a mongos has:
//
//   - a command with startTransaction begins the transaction on this
//     router;
//   - a later command of a transaction this router did not begin answers
//     NoSuchTransaction (TransientTransactionError), as a mongos that
//     never saw the transaction does;
//   - commitTransaction sent to such a router with a recoveryToken
//     recovers the decision from the shard: success when the transaction
//     committed, else NoSuchTransaction (and the transaction is aborted);
//   - every reply to a command of a transaction carries a recoveryToken
//     {recoveryShardId: setName}.

// router is what makes a member a mongos: the set it routes to and the
// transactions begun through it. Safe for concurrent use.
type router struct {
	rs   *ReplicaSet
	mu   sync.Mutex
	txns map[string]int64 // lsid -> the txnNumber begun here
}

func newRouter(rs *ReplicaSet) *router { return &router{rs: rs, txns: map[string]int64{}} }

// begin records that the transaction (lsid, n) started on this router.
func (r *router) begin(lsid []byte, n int64) {
	r.mu.Lock()
	r.txns[string(lsid)] = n
	r.mu.Unlock()
}

// knows reports whether the transaction (lsid, n) started on this router.
func (r *router) knows(lsid []byte, n int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	got, ok := r.txns[string(lsid)]
	return ok && got == n
}

// routerFields are what a router reads and the shard never sees.
var routerFields = map[string]bool{"recoveryToken": true}

// route answers a command as a mongos: through the shard's primary, with
// the router's transaction rules.
func (m *member) route(peer *wirehost.Peer, req *wirehost.Request) wirehost.Reply {
	if r, ok := m.routerCommand(req); ok { // mongos_commands.go
		return r
	}
	shard := m.router.rs.primaryMember()
	if shard == nil {
		return wirehost.Error(133, "FailedToSatisfyReadPreference", "mongotest: the shard has no primary")
	}
	lsid := lsidOf(req.Command)
	if lsid == nil || !inTransaction(req) {
		return shard.Command(peer, req)
	}
	n, _ := req.Lookup("txnNumber").AsInt64()
	if start, _ := req.Lookup("startTransaction").Boolean(); start {
		m.router.begin(lsid, n)
	} else if !m.router.knows(lsid, n) {
		if req.Name == "commitTransaction" && !req.Lookup("recoveryToken").IsZero() {
			return m.withRecoveryToken(m.core.recoverCommit(lsid, n))
		}
		return noSuchTransaction(n)
	}
	return m.withRecoveryToken(shard.Command(peer, withoutFields(req, routerFields)))
}

// withRecoveryToken adds the recoveryToken a mongos puts on the replies of
// a transaction's commands.
func (m *member) withRecoveryToken(r wirehost.Reply) wirehost.Reply {
	if r.Doc == nil || r.Action != 0 || !r.Doc.Lookup("recoveryToken").IsZero() {
		return r
	}
	token := bson.D{bson.KV("recoveryShardId", m.router.rs.setName())}
	r.Doc = appendField(r.Doc, bson.KV("recoveryToken", token))
	return r
}

// recoverCommit answers a commitTransaction that reached a router other
// than the transaction's, with a recovery token: the shard's decision.
// A transaction that has not committed is aborted: it can no longer be.
func (s *Server) recoverCommit(lsid []byte, n int64) wirehost.Reply {
	sess := s.sessions.get(lsid)
	sess.mu.Lock()
	defer sess.mu.Unlock()
	t := sess.txn
	if t != nil && sess.txnNumber == n {
		switch t.state {
		case txnCommitted:
			return t.commit
		case txnActive:
			s.endTxn(t)
			t.state = txnAborted
		}
	}
	return noSuchTransaction(n)
}

// startRouters starts the mongoses and the load-balanced mongos the
// options ask for.
func (rs *ReplicaSet) startRouters(opts ReplicaSetOptions, tmpl wirehost.Hello) error {
	roles := make([]wirehost.Role, 0, opts.Mongos+1)
	for range opts.Mongos {
		roles = append(roles, wirehost.Mongos)
	}
	if opts.LoadBalanced {
		roles = append(roles, wirehost.LoadBalanced)
	}
	for _, role := range roles {
		m := &member{core: rs.core, index: -1, inner: backend{rs.core}, fps: &failPoints{}, router: newRouter(rs)}
		h := tmpl
		h.Role = role
		host, err := wirehost.Start(wirehost.Options{Hello: h, Logf: opts.Logf, Name: "mongotest",
			ClusterTime: rs.core.store.ClusterTime, Backend: m})
		if err != nil {
			return err
		}
		m.host.Store(host)
		rs.routers = append(rs.routers, m)
	}
	return nil
}

// primaryMember is the member that is primary, nil when there is none.
func (rs *ReplicaSet) primaryMember() *member {
	if i := rs.Primary(); i >= 0 {
		return rs.members[i]
	}
	return nil
}

// MongosHosts are the mongoses' "127.0.0.1:port" addresses (none without
// ReplicaSetOptions.Mongos).
func (rs *ReplicaSet) MongosHosts() []string {
	var out []string
	for _, r := range rs.routers {
		if h := r.host.Load(); h.Hello().Role == wirehost.Mongos {
			out = append(out, h.Addr())
		}
	}
	return out
}

// MongosURI is a connection string that seeds a client with every mongos
// (a sharded cluster), "" without ReplicaSetOptions.Mongos.
func (rs *ReplicaSet) MongosURI() string {
	hosts := rs.MongosHosts()
	if len(hosts) == 0 {
		return ""
	}
	return "mongodb://" + strings.Join(hosts, ",") + "/"
}

// LoadBalancerURI connects to the mongos behind the load balancer, with
// loadBalanced=true; "" without ReplicaSetOptions.LoadBalanced.
func (rs *ReplicaSet) LoadBalancerURI() string {
	if lb := rs.loadBalancer(); lb != nil {
		return "mongodb://" + lb.host.Load().Addr() + "/?loadBalanced=true"
	}
	return ""
}

func (rs *ReplicaSet) loadBalancer() *member {
	for _, r := range rs.routers {
		if r.host.Load().Hello().Role == wirehost.LoadBalanced {
			return r
		}
	}
	return nil
}

// FailCommandMongos arms a failCommand fail point on mongos i (of
// MongosHosts), as configureFailPoint sent to it does.
func (rs *ReplicaSet) FailCommandMongos(i int, fp FailPoint) { rs.routers[i].fps.set(fp) }

// FailCommandLoadBalanced arms a fail point on the mongos behind the load
// balancer.
func (rs *ReplicaSet) FailCommandLoadBalanced(fp FailPoint) { rs.loadBalancer().fps.set(fp) }
