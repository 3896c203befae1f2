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

// rawConn is a connection that sends commands exactly as written (no
// session, no API parameters of a driver's own).
func rawConn(ctx context.Context, t *testing.T, addr string) *pool.Conn {
	t.Helper()
	c, err := pool.Dial(ctx, addr, &pool.ConnConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func replyCode(r bson.Raw) int64 { n, _ := r.Lookup("code").AsInt64(); return n }

// expectCode runs cmd and checks the reply's code (0: ok) and, when want
// is given, that errmsg contains it.
func expectCode(ctx context.Context, t *testing.T, c *pool.Conn, db string, cmd bson.D, code int64, want string) bson.Raw {
	t.Helper()
	r := command(ctx, t, c, db, cmd)
	if code == 0 && !isOK(r) || code != 0 && replyCode(r) != code {
		t.Errorf("%v: %s, want code %d", cmd, r, code)
	}
	if msg, _ := r.Lookup("errmsg").StringValue(); !strings.Contains(msg, want) {
		t.Errorf("%v: errmsg %q, want it to contain %q", cmd, msg, want)
	}
	return r
}

func api(cmd bson.D, fields ...bson.E) bson.D { return append(cmd, fields...) }

var (
	v1     = bson.KV("apiVersion", "1")
	v2     = bson.KV("apiVersion", "2")
	strict = bson.KV("apiStrict", true)
	depErr = bson.KV("apiDeprecationErrors", true)
	ping   = bson.D{bson.KV("ping", 1)}
)

// The API parameters are checked as mongod checks them
// (jstests/core/api/api_version_parameters.js).
func TestStableAPIParameters(t *testing.T) {
	defer leakcheck.Check(t)
	srv := mongotest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := rawConn(ctx, t, srv.Addr())
	expectCode(ctx, t, c, "db", api(ping, strict), 4886600, "without passing apiVersion")
	expectCode(ctx, t, c, "db", api(ping, bson.KV("apiDeprecationErrors", false)), 4886600, "")
	expectCode(ctx, t, c, "db", api(ping, bson.KV("apiVersion", int32(1))), 14, "'apiVersion' is the wrong type 'int'")
	expectCode(ctx, t, c, "db", api(ping, v2), 322, "Cannot accept API version 2")
	expectCode(ctx, t, c, "db", api(ping, bson.KV("apiVersion", "x")), 322, `API version must be "1"`)
	expectCode(ctx, t, c, "db", api(ping, v1, bson.KV("apiStrict", "true")), 14, "expected type 'bool'")
	expectCode(ctx, t, c, "db", api(ping, v1, strict, depErr), 0, "")
	expectCode(ctx, t, c, "db", api(ping, v1, bson.KV("apiStrict", false), bson.KV("apiDeprecationErrors", false)), 0, "")
}

// apiStrict refuses commands and stages outside API version 1;
// apiDeprecationErrors refuses deprecated commands.
func TestStableAPIStrict(t *testing.T) {
	defer leakcheck.Check(t)
	srv := mongotest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := rawConn(ctx, t, srv.Addr())
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("insert", "c"), bson.KV("documents", bson.A{bson.D{bson.KV("x", 1)}})}, v1, strict), 0, "")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("distinct", "c"), bson.KV("key", "x")}, v1, strict), 323,
		"the command distinct is not in API Version 1")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("distinct", "c"), bson.KV("key", "x")}, v1), 0, "")
	expectCode(ctx, t, c, "admin", api(bson.D{bson.KV("buildInfo", 1)}, v1, strict), 323, "dochub.mongodb.org")
	expectCode(ctx, t, c, "admin", api(bson.D{bson.KV("isMaster", 1)}, v1, strict), 323, "the command isMaster is not in API Version 1")
	expectCode(ctx, t, c, "admin", api(bson.D{bson.KV("hello", 1)}, v1, strict), 0, "")
	agg := func(db string, coll any, stages ...bson.D) bson.D {
		p := bson.A{}
		for _, s := range stages {
			p = append(p, s)
		}
		return bson.D{bson.KV("aggregate", coll), bson.KV("pipeline", p), bson.KV("cursor", bson.D{})}
	}
	stage := func(name string, arg any) bson.D { return bson.D{bson.KV(name, arg)} }
	expectCode(ctx, t, c, "admin", api(agg("admin", 1, stage("$listLocalSessions", bson.D{}), stage("$limit", 1)), v1, strict), 323,
		"$listLocalSessions is not allowed with 'apiStrict: true' in API Version 1")
	expectCode(ctx, t, c, "admin", api(agg("admin", 1, stage("$listLocalSessions", bson.D{})), v1), 0, "")
	facet := stage("$facet", bson.D{bson.KV("a", bson.A{}), bson.KV("b", bson.A{stage("$indexStats", bson.D{})})})
	expectCode(ctx, t, c, "db", api(agg("db", "c", facet), v1, strict), 323, "$indexStats")
	lookup := stage("$lookup", bson.D{bson.KV("from", "d"), bson.KV("as", "d"), bson.KV("pipeline", bson.A{stage("$collStats", bson.D{bson.KV("latencyStats", bson.D{})})})})
	expectCode(ctx, t, c, "db", api(agg("db", "c", lookup), v1, strict), 323, "$collStats")
	r := command(ctx, t, c, "db", api(agg("db", "c", stage("$collStats", bson.D{bson.KV("count", bson.D{})})), v1, strict))
	if replyCode(r) == 323 {
		t.Errorf("$collStats {count: {}} is in API version 1: %s", r)
	}
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("find", "c"), bson.KV("returnKey", false)}, v1, strict), 323, "'find.returnKey' is not allowed")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("find", "c"), bson.KV("returnKey", false)}, v1), 0, "")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("aggregate", "c"), bson.KV("pipeline", bson.A{}), bson.KV("explain", true)}, v1, strict), 323, "aggregate.explain")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("create", "capped"), bson.KV("capped", true), bson.KV("size", 1000)}, v1, strict), 323, "create.capped")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("create", "uncapped"), bson.KV("capped", false)}, v1, strict), 0, "")
	text := bson.D{bson.KV("createIndexes", "c"), bson.KV("indexes", bson.A{bson.D{bson.KV("key", bson.D{bson.KV("a", "text")}), bson.KV("name", "a_text")}})}
	expectCode(ctx, t, c, "db", api(text, v1, strict), 323, "a text index")
	sparse := bson.D{bson.KV("createIndexes", "c"), bson.KV("indexes", bson.A{bson.D{bson.KV("key", bson.D{bson.KV("x", 1)}), bson.KV("name", "x_1"), bson.KV("sparse", true)}})}
	expectCode(ctx, t, c, "db", api(sparse, v1, strict), 0, "")
	hinted := bson.D{bson.KV("find", "c"), bson.KV("filter", bson.D{bson.KV("x", 1)}), bson.KV("hint", "x_1")}
	expectCode(ctx, t, c, "db", api(hinted, v1, strict), 2, "hint provided does not correspond to an existing index")
	expectCode(ctx, t, c, "db", api(hinted, v1), 0, "")
	collMod := bson.D{bson.KV("collMod", "c"), bson.KV("index", bson.D{bson.KV("name", "a_1"), bson.KV("prepareUnique", true)})}
	expectCode(ctx, t, c, "db", api(collMod, v1, strict), 323, "collMod.index.prepareUnique")
	view := bson.D{bson.KV("create", "v"), bson.KV("viewOn", "c"), bson.KV("pipeline", bson.A{stage("$currentOp", bson.D{})})}
	expectCode(ctx, t, c, "db", api(view, v1, strict), 323, "$currentOp")

	// The test commands (enableTestCommands) answer with their parameters.
	r = expectCode(ctx, t, c, "db", api(bson.D{bson.KV("testDeprecation", 1)}, v1, strict), 0, "")
	if s, _ := r.Lookup("apiVersion").StringValue(); s != "1" {
		t.Errorf("testDeprecation: %s, want apiVersion 1 in the reply", r)
	}
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("testDeprecation", 1)}, v1, depErr), 324,
		"the command testDeprecation is deprecated in API Version 1")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("testVersion2", 1)}, v1, strict), 323, "command testVersion2 is not in API Version 1")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("testVersion2", 1)}, v1), 0, "")
}

// With acceptApiVersion2 (a startup parameter) API version 2 exists: the
// test commands of version 2 run, the others are strict errors.
func TestStableAPIVersion2(t *testing.T) {
	defer leakcheck.Check(t)
	srv := mongotest.New(t, mongotest.Options{Parameters: map[string]any{"acceptApiVersion2": true}})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := rawConn(ctx, t, srv.Addr())
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("testVersion2", 1)}, v2, strict), 0, "")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("testDeprecationInVersion2", 1)}, v2, depErr), 324,
		"the command testDeprecationInVersion2 is deprecated in API Version 2")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("testDeprecationInVersion2", 1)}, v1, depErr), 0, "")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("testRemoval", 1)}, v2, strict), 323, "not in API Version 2")
	expectCode(ctx, t, c, "db", api(bson.D{bson.KV("find", "c")}, v2, strict), 323, "")
	r := expectCode(ctx, t, c, "admin", bson.D{bson.KV("getParameter", 1), bson.KV("acceptApiVersion2", 1)}, 0, "")
	if b, _ := r.Lookup("acceptApiVersion2").Boolean(); !b {
		t.Errorf("getParameter: %s, want acceptApiVersion2 true", r)
	}
	expectCode(ctx, t, c, "admin", bson.D{bson.KV("setParameter", 1), bson.KV("acceptApiVersion2", false)}, 2, "not allowed to change [acceptApiVersion2] at runtime")

	if _, err := mongotest.Start(mongotest.Options{Parameters: map[string]any{"noSuchParameter": true}}); err == nil {
		t.Error("Start accepted an unknown parameter")
	}
	off := mongotest.New(t, mongotest.Options{Parameters: map[string]any{"enableTestCommands": false}})
	c2 := rawConn(ctx, t, off.Addr())
	expectCode(ctx, t, c2, "db", bson.D{bson.KV("testVersions1And2", 1)}, 59, "no such command")
	expectCode(ctx, t, c2, "admin", bson.D{bson.KV("configureFailPoint", "failCommand"), bson.KV("mode", "off")}, 59, "no such command")
}

// requireApiVersion (settable at runtime) refuses commands without
// apiVersion.
func TestStableAPIRequireAPIVersion(t *testing.T) {
	defer leakcheck.Check(t)
	srv := mongotest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := rawConn(ctx, t, srv.Addr())
	r := expectCode(ctx, t, c, "admin", bson.D{bson.KV("setParameter", 1), bson.KV("requireApiVersion", true)}, 0, "")
	if was, ok := r.Lookup("was").Boolean(); !ok || was {
		t.Errorf("setParameter: %s, want was: false", r)
	}
	expectCode(ctx, t, c, "db", ping, 498870, "The apiVersion parameter is required")
	expectCode(ctx, t, c, "db", api(ping, v1), 0, "")
	expectCode(ctx, t, c, "admin", bson.D{bson.KV("hello", 1)}, 498870, "")
	expectCode(ctx, t, c, "admin", bson.D{bson.KV("hello", 1), bson.KV("internalClient", bson.D{})}, 0, "")
	if c2, err := pool.Dial(ctx, srv.Addr(), &pool.ConnConfig{}); err == nil {
		c2.Close()
		t.Error("a handshake without apiVersion succeeded under requireApiVersion")
	}
	c3, err := pool.Dial(ctx, srv.Addr(), &pool.ConnConfig{ServerAPI: &pool.ServerAPI{Version: "1", Strict: true}})
	if err != nil {
		t.Fatalf("a handshake with apiVersion 1 under requireApiVersion: %v", err)
	}
	c3.Close()
	expectCode(ctx, t, c, "admin", api(bson.D{bson.KV("setParameter", 1), bson.KV("requireApiVersion", false)}, v1), 0, "")
	expectCode(ctx, t, c, "db", ping, 0, "")
}

// A getMore, and a transaction's later commands, must carry the API
// parameters of the command that opened the cursor or began the
// transaction (jstests/core/api/api_params_getmore.js,
// jstests/core/txns/api_params_transaction.js).
func TestStableAPIMismatch(t *testing.T) {
	defer leakcheck.Check(t)
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{Members: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := rawConn(ctx, t, rs.Hosts()[0])
	docs := bson.A{bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("_id", 2)}, bson.D{bson.KV("_id", 3)}}
	expectCode(ctx, t, c, "db", bson.D{bson.KV("insert", "c"), bson.KV("documents", docs)}, 0, "")
	r := expectCode(ctx, t, c, "db", api(bson.D{bson.KV("find", "c"), bson.KV("batchSize", int32(1))}, v1), 0, "")
	id, _ := r.Lookup("cursor", "id").AsInt64()
	getMore := bson.D{bson.KV("getMore", id), bson.KV("collection", "c"), bson.KV("batchSize", int32(1))}
	expectCode(ctx, t, c, "db", getMore, 498233, `getMore used params {}, the cursor-creating command used { apiVersion: "1" }`)
	expectCode(ctx, t, c, "db", api(getMore, v1, bson.KV("apiStrict", false)), 498233, "")
	expectCode(ctx, t, c, "db", api(getMore, v1), 0, "")

	watch := bson.D{bson.KV("aggregate", "c"), bson.KV("pipeline", bson.A{bson.D{bson.KV("$changeStream", bson.D{})}}), bson.KV("cursor", bson.D{})}
	r = expectCode(ctx, t, c, "db", api(watch, v1), 0, "")
	id, _ = r.Lookup("cursor", "id").AsInt64()
	getMore = bson.D{bson.KV("getMore", id), bson.KV("collection", "c"), bson.KV("maxTimeMS", int64(1))}
	expectCode(ctx, t, c, "db", getMore, 498233, "the cursor-creating command used")
	expectCode(ctx, t, c, "db", api(getMore, v1), 0, "")

	lsid := bson.D{bson.KV("id", bson.Binary{Subtype: 4, Data: []byte("0123456789abcdef")})}
	inTxn := func(cmd bson.D, start bool) bson.D {
		cmd = append(cmd, bson.KV("lsid", lsid), bson.KV("txnNumber", int64(1)), bson.KV("autocommit", false))
		if start {
			cmd = append(cmd, bson.KV("startTransaction", true))
		}
		return cmd
	}
	insert := func(id int) bson.D {
		return bson.D{bson.KV("insert", "c"), bson.KV("documents", bson.A{bson.D{bson.KV("_id", id)}})}
	}
	expectCode(ctx, t, c, "db", api(inTxn(insert(10), true), v1, strict), 0, "")
	expectCode(ctx, t, c, "db", api(inTxn(insert(11), false), v1), 498233, "the transaction's first command used")
	commit := inTxn(bson.D{bson.KV("commitTransaction", 1)}, false)
	expectCode(ctx, t, c, "admin", commit, 498233, "commitTransaction used params {}")
	expectCode(ctx, t, c, "db", api(inTxn(insert(11), false), v1, strict), 0, "")
	expectCode(ctx, t, c, "admin", api(commit, v1, strict), 0, "")
	r = expectCode(ctx, t, c, "db", bson.D{bson.KV("count", "c")}, 0, "")
	if n, _ := r.Lookup("n").AsInt64(); n != 5 {
		t.Errorf("after the commit: %s, want n: 5", r)
	}
}
