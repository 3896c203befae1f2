package mongotest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
	"github.com/torque-go/torque/pool"
)

// lbConn dials one connection through the load balancer of uri, with the
// load-balanced handshake.
func lbConn(ctx context.Context, t *testing.T, uri string) *pool.Conn {
	t.Helper()
	addr := strings.TrimSuffix(strings.TrimPrefix(uri, "mongodb://"), "/?loadBalanced=true")
	c, err := pool.Dial(ctx, addr, &pool.ConnConfig{LoadBalanced: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Description().ServiceID == nil {
		t.Fatal("no serviceId in the load-balanced handshake")
	}
	return c
}

// command runs cmd on c and returns its reply (ok: 0 included).
func command(ctx context.Context, t *testing.T, c *pool.Conn, db string, cmd bson.D) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(append(cmd, bson.KV("$db", db)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Command(ctx, db, b)
	if err != nil {
		t.Fatalf("%s: %v", cmd[0].Key, err)
	}
	return append(bson.Raw(nil), r...)
}

// TestLoadBalancerServices: the load balancer routes connections to its
// mongoses in turn, each with its own serviceId; the single-mongos load
// balancer always to the first.
func TestLoadBalancerServices(t *testing.T) {
	defer leakcheck.Check(t)
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{LoadBalanced: true, LoadBalancedServices: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if hosts := rs.LoadBalancedServiceHosts(); len(hosts) != 2 || hosts[0] == hosts[1] {
		t.Fatalf("service hosts %v, want two mongoses", hosts)
	}
	var ids []bson.ObjectID
	for range 4 {
		c := lbConn(ctx, t, rs.LoadBalancerURI())
		ids = append(ids, *c.Description().ServiceID)
		defer c.Close()
	}
	if ids[0] == ids[1] || ids[0] != ids[2] || ids[1] != ids[3] {
		t.Errorf("serviceIds of four connections %v, want two mongoses in turn", ids)
	}
	for range 2 {
		c := lbConn(ctx, t, rs.SingleMongosLoadBalancerURI())
		if *c.Description().ServiceID != ids[0] {
			t.Errorf("single-mongos load balancer reached %v, want the first mongos %v", *c.Description().ServiceID, ids[0])
		}
		c.Close()
	}
}

// TestLoadBalancerConnCloseEndsCursorsAndTxns: when a client connection
// through the load balancer closes, its mongos kills the cursors it
// opened and aborts the transaction it began, as the load-balancers
// specification asks of a service; another connection to the same mongos
// then finds neither.
func TestLoadBalancerConnCloseEndsCursorsAndTxns(t *testing.T) {
	defer leakcheck.Check(t)
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{LoadBalanced: true, LoadBalancedServices: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	uri := rs.SingleMongosLoadBalancerURI() // every connection to the same mongos

	c1 := lbConn(ctx, t, uri)
	docs := bson.A{} // more than the polling below can read one by one
	for i := range 300 {
		docs = append(docs, bson.D{bson.KV("_id", i)})
	}
	command(ctx, t, c1, "db", bson.D{bson.KV("insert", "c"), bson.KV("documents", docs)})
	r := command(ctx, t, c1, "db", bson.D{bson.KV("find", "c"), bson.KV("batchSize", int32(1))})
	id, _ := r.Lookup("cursor", "id").AsInt64()
	if id == 0 {
		t.Fatalf("find opened no cursor: %s", r)
	}
	lsid := bson.D{bson.KV("id", bson.Binary{Subtype: 4, Data: []byte("0123456789abcdef")})}
	inTxn := func(cmd bson.D, start bool) bson.D {
		cmd = append(cmd, bson.KV("lsid", lsid), bson.KV("txnNumber", int64(1)), bson.KV("autocommit", false))
		if start {
			cmd = append(cmd, bson.KV("startTransaction", true))
		}
		return cmd
	}
	r = command(ctx, t, c1, "db", inTxn(bson.D{bson.KV("insert", "c"), bson.KV("documents", bson.A{bson.D{bson.KV("_id", 1000)}})}, true))
	if !isOK(r) {
		t.Fatalf("insert in a transaction: %s", r)
	}

	// Before the close, another connection to the mongos sees both.
	c2 := lbConn(ctx, t, uri)
	defer c2.Close()
	getMore := bson.D{bson.KV("getMore", id), bson.KV("collection", "c"), bson.KV("batchSize", int32(1))}
	if r := command(ctx, t, c2, "db", getMore); r.Lookup("cursor", "id").IsZero() {
		t.Fatalf("getMore before the close: %s", r)
	}
	find := bson.D{bson.KV("find", "c"), bson.KV("filter", bson.D{bson.KV("_id", 1000)})}
	if r := command(ctx, t, c2, "db", inTxn(find, false)); !isOK(r) {
		t.Fatalf("the transaction before the close: %s", r)
	}

	c1.Close()
	codeOf := func(r bson.Raw) int64 { n, _ := r.Lookup("code").AsInt64(); return n }
	pause := time.Millisecond
	for deadline := time.Now().Add(10 * time.Second); ; pause = min(2*pause, 100*time.Millisecond) {
		time.Sleep(pause) // the mongos hears of the close a moment later
		cur, txn := command(ctx, t, c2, "db", getMore), command(ctx, t, c2, "db", inTxn(find, false))
		if codeOf(cur) == 43 && codeOf(txn) == 251 { // CursorNotFound, NoSuchTransaction
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the connection closed: getMore %s; the transaction %s; want CursorNotFound and NoSuchTransaction", cur, txn)
		}
	}
}

func isOK(r bson.Raw) bool {
	ok, _ := r.Lookup("ok").AsFloat64()
	return ok == 1
}
