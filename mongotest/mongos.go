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
	// conns, on a mongos behind the load balancer, are the cursors and
	// transactions each client connection opened (loadbalanced_conns.go);
	// nil on other mongoses.
	conns *lbConns
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

// authCommands are the authentication conversation's commands.
var authCommands = map[string]bool{"saslStart": true, "saslContinue": true, "logout": true}

// routerFields are what a router reads and the shard never sees.
var routerFields = map[string]bool{"recoveryToken": true}

// route answers a command as a mongos: through the shard's primary, with
// the router's transaction rules.
func (m *member) route(peer *wirehost.Peer, req *wirehost.Request) wirehost.Reply {
	if r, ok := m.routerCommand(req); ok { // mongos_commands.go
		return r
	}
	if authCommands[req.Name] { // a mongos authenticates its clients itself: no shard's fail points, no primary needed
		return m.inner.Command(peer, req)
	}
	shard := m.router.rs.primaryMember()
	if shard == nil {
		return wirehost.Error(133, "FailedToSatisfyReadPreference", "mongotest: the shard has no primary")
	}
	lsid := lsidOf(req.Command)
	if lsid == nil || !inTransaction(req) {
		return m.router.conns.note(peer, req, shard.Command(peer, req))
	}
	n, _ := req.Lookup("txnNumber").AsInt64()
	if start, _ := req.Lookup("startTransaction").Boolean(); start {
		m.router.begin(lsid, n)
		m.router.conns.begin(peer, req, n)
	} else if !m.router.knows(lsid, n) {
		if req.Name == "commitTransaction" && !req.Lookup("recoveryToken").IsZero() {
			return m.withRecoveryToken(m.core.recoverCommit(lsid, n))
		}
		return noSuchTransaction(n)
	}
	r := shard.Command(peer, withoutFields(req, routerFields))
	return m.withRecoveryToken(m.router.conns.note(peer, req, r))
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

// startRouters starts the mongoses and the load-balanced mongoses the
// options ask for, then the load balancers in front of the latter.
func (rs *ReplicaSet) startRouters(opts ReplicaSetOptions, tmpl wirehost.Hello) error {
	roles := make([]wirehost.Role, 0, opts.Mongos+opts.LoadBalancedServices+1)
	for range opts.Mongos {
		roles = append(roles, wirehost.Mongos)
	}
	if opts.LoadBalanced {
		for range max(opts.LoadBalancedServices, 1) {
			roles = append(roles, wirehost.LoadBalanced)
		}
	}
	for _, role := range roles {
		m := &member{core: rs.core, index: -1, inner: backend{rs.core}, fps: &failPoints{}, router: newRouter(rs)}
		if role == wirehost.LoadBalanced {
			m.router.conns = newLBConns(m)
		}
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
	return rs.startLoadBalancers(opts.Logf)
}

// startLoadBalancers starts the load balancer in front of every
// load-balanced mongos, and one in front of the first only.
func (rs *ReplicaSet) startLoadBalancers(logf func(string, ...any)) error {
	services := rs.LoadBalancedServiceHosts()
	if len(services) == 0 {
		return nil
	}
	for _, backends := range [][]string{services, services[:1]} {
		lb, err := startLoadBalancer(backends, logf)
		if err != nil {
			return err
		}
		rs.lbs = append(rs.lbs, lb)
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

// LoadBalancerURI connects to the load balancer in front of every
// load-balanced mongos (ReplicaSetOptions.LoadBalancedServices), with
// loadBalanced=true: each connection reaches one of them, in turn, for its
// whole life. "" without ReplicaSetOptions.LoadBalanced.
func (rs *ReplicaSet) LoadBalancerURI() string { return rs.lbURI(0) }

// SingleMongosLoadBalancerURI connects to a load balancer in front of the
// first load-balanced mongos only (the specifications' test
// deployments have both: SINGLE_MONGOS_LB_URI and MULTI_MONGOS_LB_URI).
func (rs *ReplicaSet) SingleMongosLoadBalancerURI() string { return rs.lbURI(1) }

func (rs *ReplicaSet) lbURI(i int) string {
	if i < len(rs.lbs) {
		return "mongodb://" + rs.lbs[i].addr() + "/?loadBalanced=true"
	}
	return ""
}

// LoadBalancedServiceHosts are the "127.0.0.1:port" addresses of the
// mongoses behind the load balancer: a client may also connect to one
// directly (without loadBalanced), as to any mongos.
func (rs *ReplicaSet) LoadBalancedServiceHosts() []string {
	var out []string
	for _, r := range rs.loadBalanced() {
		out = append(out, r.host.Load().Addr())
	}
	return out
}

// loadBalanced are the mongoses behind the load balancer.
func (rs *ReplicaSet) loadBalanced() []*member {
	var out []*member
	for _, r := range rs.routers {
		if r.host.Load().Hello().Role == wirehost.LoadBalanced {
			out = append(out, r)
		}
	}
	return out
}

// FailCommandMongos arms a failCommand fail point on mongos i (of
// MongosHosts), as configureFailPoint sent to it does.
func (rs *ReplicaSet) FailCommandMongos(i int, fp FailPoint) { rs.routers[i].fps.set(fp) }

// FailCommandLoadBalanced arms a fail point on every mongos behind the
// load balancer (each counts its own times).
func (rs *ReplicaSet) FailCommandLoadBalanced(fp FailPoint) {
	for _, r := range rs.loadBalanced() {
		r.fps.set(fp)
	}
}
