package mongotest_test

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
)

func TestCloseLeavesNothing(t *testing.T) {
	before := leakcheck.Snapshot()
	srv, err := mongotest.Start(mongotest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	func() {
		c, ctx := connect(t, srv)
		if _, err := c.Database("a").Collection("b").InsertOne(ctx, bson.D{kv("x", 1)}); err != nil {
			t.Fatal(err)
		}
		// Leave a cursor open and the client connected: Close ends it all.
		if _, err := c.Database("a").Collection("b").Find(ctx, bson.D{}, client.FindOptions{BatchSize: 1}); err != nil {
			t.Fatal(err)
		}
	}()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// The client's own goroutines end with its Disconnect (a cleanup of
	// connect, which has not run yet): only compare the server's.
	// A goroutine past its last statement may still be on its way out:
	// look again for up to leakcheck.Settle.
	deadline := time.Now().Add(leakcheck.Settle)
	for {
		left := serverGoroutines(leakcheck.Leaked(before))
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("server goroutines left:\n%s", strings.Join(left, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func serverGoroutines(stacks []string) []string {
	var out []string
	for _, g := range stacks {
		if strings.Contains(g, "wirehost") || strings.Contains(g, "mongotest.") {
			out = append(out, g)
		}
	}
	return out
}

func TestCloseWithoutClientsLeavesNoGoroutine(t *testing.T) {
	leakcheck.Check(t)
	srv, err := mongotest.Start(mongotest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestAuthentication(t *testing.T) {
	srv := mongotest.New(t, mongotest.Options{Users: []mongotest.User{{Name: "ada", Password: "pencil"}}})
	for _, mech := range []string{auth.MechanismSCRAMSHA256, auth.MechanismSCRAMSHA1, ""} {
		c, ctx := connect(t, srv, client.Options{Auth: &client.Credential{Username: "ada", Password: "pencil", Mechanism: mech}})
		if _, err := c.Database("a").Collection("b").InsertOne(ctx, bson.D{kv("x", 1)}); err != nil {
			t.Errorf("%q: %v", mech, err)
		}
	}
	// A wrong password fails the handshake.
	c, ctx := connect(t, srv, client.Options{Auth: &client.Credential{Username: "ada", Password: "nope"}})
	if err := c.Ping(ctx); err == nil {
		t.Error("wrong password: ping succeeded")
	}
	// Without credentials, a command is Unauthorized.
	c, ctx = connect(t, srv)
	_, err := c.Database("a").Collection("b").InsertOne(ctx, bson.D{kv("x", 1)})
	var ce *client.CommandError
	if !errors.As(err, &ce) || ce.Code != 13 || ce.CodeName != "Unauthorized" {
		t.Errorf("unauthenticated insert: %v", err)
	}
}

func TestCreateUserThenAuthenticate(t *testing.T) {
	srv := mongotest.New(t, mongotest.Options{Users: []mongotest.User{{Name: "root", Password: "r"}}})
	c, ctx := connect(t, srv, client.Options{Auth: &client.Credential{Username: "root", Password: "r"}})
	err := c.Database("app").RunCommand(ctx, bson.D{kv("createUser", "grace"), kv("pwd", "cobol"), kv("roles", bson.A{})}).Err()
	if err != nil {
		t.Fatal(err)
	}
	g, gctx := connect(t, srv, client.Options{Auth: &client.Credential{Username: "grace", Password: "cobol", Source: "app"}})
	if err := g.Ping(gctx); err != nil {
		t.Fatalf("new user: %v", err)
	}
	if err := c.Database("app").RunCommand(ctx, bson.D{kv("dropUser", "grace")}).Err(); err != nil {
		t.Fatal(err)
	}
	g2, gctx2 := connect(t, srv, client.Options{Auth: &client.Credential{Username: "grace", Password: "cobol", Source: "app"}})
	if err := g2.Ping(gctx2); err == nil {
		t.Error("dropped user still authenticates")
	}
}

func TestGeneratedTLS(t *testing.T) {
	srv := mongotest.New(t, mongotest.Options{GenerateTLS: true})
	c, ctx := connect(t, srv, client.Options{TLS: &tls.Config{RootCAs: srv.CertPool()}})
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	// A client that does not trust the certificate cannot connect.
	bad, bctx := connect(t, srv, client.Options{TLS: &tls.Config{}, ServerSelectionTimeout: -1})
	if err := bad.Ping(bctx); err == nil {
		t.Error("untrusted certificate accepted")
	}
}

func TestCompression(t *testing.T) {
	srv := mongotest.New(t)
	for _, comp := range []string{"zstd", "zlib", "snappy"} {
		c, ctx := connect(t, srv, client.Options{Compressors: []string{comp}})
		coll := c.Database("z").Collection(comp)
		if _, err := coll.InsertOne(ctx, bson.D{kv("_id", 1), kv("s", comp)}); err != nil {
			t.Fatalf("%s: %v", comp, err)
		}
		var d bson.D
		if err := coll.FindOne(ctx, bson.D{kv("_id", 1)}).Decode(&d); err != nil || d[1].Value != comp {
			t.Errorf("%s: %v %v", comp, d, err)
		}
	}
}
