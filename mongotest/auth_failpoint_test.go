package mongotest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// A failCommand fail point on saslContinue fires during a client's
// handshake, on a replica set member and on a mongos, only for the
// application it names, as on MongoDB (the SDAM suite's auth-error files
// and the handshakeError files rely on it); configureFailPoint itself
// needs an authenticated user.
func TestFailPointOnSaslContinue(t *testing.T) {
	rs := NewReplicaSet(t, ReplicaSetOptions{Users: []User{{Name: "ada", Password: "pencil"}}, Mongos: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cred := &client.Credential{Username: "ada", Password: "pencil"}

	anon, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer anon.Disconnect(ctx)
	off := bson.D{bson.KV("configureFailPoint", "failCommand"), bson.KV("mode", "off")}
	if err := anon.Database("admin").RunCommand(ctx, off).Err(); err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("configureFailPoint without authentication: %v, want Unauthorized", err)
	}

	for _, target := range []struct {
		name string
		uri  string
		arm  func(FailPoint)
	}{
		{"member", rs.URI(), func(fp FailPoint) { rs.FailCommand(rs.Primary(), fp) }},
		{"mongos", rs.MongosURI(), func(fp FailPoint) { rs.FailCommandMongos(0, fp) }},
	} {
		target.arm(FailPoint{Commands: []string{"saslContinue"}, ErrorCode: 18, AppName: "victim", Times: 1})
		other, err := client.Connect(ctx, target.uri, client.Options{Auth: cred, AppName: "bystander"})
		if err != nil {
			t.Fatal(err)
		}
		if err := other.Ping(ctx); err != nil {
			t.Errorf("%s: another application met the fail point: %v", target.name, err)
		}
		other.Disconnect(ctx)

		victim, err := client.Connect(ctx, target.uri, client.Options{Auth: cred, AppName: "victim"})
		if err != nil {
			t.Fatal(err)
		}
		if err := victim.Ping(ctx); err == nil || !strings.Contains(err.Error(), "18") {
			t.Errorf("%s: first ping: %v, want the fail point's AuthenticationFailed (18)", target.name, err)
		}
		if err := victim.Ping(ctx); err != nil {
			t.Errorf("%s: second ping (times: 1 used up): %v", target.name, err)
		}
		victim.Disconnect(ctx)
	}

	// A mongos authenticates its clients itself: a fail point on the
	// shard's primary does not fire for a client of the mongos, and a
	// shard without a primary does not stop authentication.
	rs.FailCommand(rs.Primary(), FailPoint{Commands: []string{"saslContinue"}, ErrorCode: 18, AppName: "router-client"})
	rs.StepDown()
	viaMongos, err := client.Connect(ctx, rs.MongosURI(), client.Options{Auth: cred, AppName: "router-client"})
	if err != nil {
		t.Fatal(err)
	}
	defer viaMongos.Disconnect(ctx)
	hello := bson.D{bson.KV("hello", 1)} // answered by the mongos, authentication done first
	if err := viaMongos.Database("admin").RunCommand(ctx, hello).Err(); err != nil {
		t.Errorf("authenticating through a mongos met the shard's fail point or its missing primary: %v", err)
	}
}
