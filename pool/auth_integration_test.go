package pool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/testenv"
)

// Authentication against FerretDB started with --test-enable-new-auth
// ($TORQUE_TEST_AUTH_URI): SCRAM-SHA-1 and SCRAM-SHA-256 through the
// pool's handshake, speculative authentication, failures.

func TestAuthSCRAM(t *testing.T) {
	addr, cred := serverFromURI(t, testenv.AuthURI(t))
	if cred == nil {
		t.Fatal("TORQUE_TEST_AUTH_URI has no credential")
	}
	for _, mech := range []string{auth.MechanismSCRAMSHA256, auth.MechanismSCRAMSHA1, ""} {
		t.Run("mechanism="+mech, func(t *testing.T) {
			cr := *cred
			cr.Mechanism = mech
			p := newReadyPool(t, addr, Config{Conn: ConnConfig{Credential: &cr}})
			c, err := p.Checkout(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			defer p.CheckIn(c)
			assertAuthenticatedAs(t, c, cr.Username)
		})
	}
}

// assertAuthenticatedAs checks with connectionStatus who c is logged in as.
func assertAuthenticatedAs(t *testing.T, c *Conn, user string) {
	t.Helper()
	reply, err := c.RoundTrip(testCtx(t), appendCommandMsg(nil, "connectionStatus", "admin"))
	if err != nil {
		t.Fatal(err)
	}
	users, _ := bson.Raw(reply.Body).Lookup("authInfo", "authenticatedUsers").Array()
	if !strings.Contains(bson.RawValue{Type: bson.TypeArray, Value: users}.String(), `"user":"`+user+`"`) {
		t.Fatalf("connectionStatus: %v", bson.Raw(reply.Body))
	}
}

func TestAuthWrongPassword(t *testing.T) {
	addr, cred := serverFromURI(t, testenv.AuthURI(t))
	const wrong = "not-the-Password-42"
	for _, mech := range []string{auth.MechanismSCRAMSHA256, auth.MechanismSCRAMSHA1} {
		cr := *cred
		cr.Mechanism, cr.Password = mech, wrong
		var events []Event
		p := newReadyPool(t, addr, Config{Conn: ConnConfig{Credential: &cr}, Monitor: func(e Event) { events = append(events, e) }})
		_, err := p.Checkout(testCtx(t))
		var ce *ConnError
		var ae *auth.AuthError
		if !errors.As(err, &ce) || ce.Stage != StageAuth || !errors.As(err, &ae) || ae.Mechanism != mech {
			t.Fatalf("%s: want an auth error, got %v", mech, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, mech) || !strings.Contains(msg, cr.Source) || !strings.Contains(msg, "auth") {
			t.Errorf("error names not mechanism and source: %s", msg)
		}
		for _, secret := range []string{wrong, cred.Password} {
			if strings.Contains(msg, secret) || strings.Contains(fmt.Sprintf("%+v %#v", err, events), secret) {
				t.Fatalf("a password leaked into an error or event")
			}
		}
	}
}

func TestAuthCreatedUser(t *testing.T) {
	addr, cred := serverFromURI(t, testenv.AuthURI(t))
	admin := newReadyPool(t, addr, Config{Conn: ConnConfig{Credential: cred}})
	c, err := admin.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	user := fmt.Sprintf("pooluser%d", time.Now().UnixNano())
	const pwd = "créé-pässwörd"
	reply, err := c.RoundTrip(testCtx(t), appendMsg(nil, "admin", func(b []byte) []byte {
		b = bson.AppendStringElement(b, "createUser", user)
		b = bson.AppendStringElement(b, "pwd", pwd)
		arr, b := bson.AppendArrayElementStart(b, "roles")
		b, _ = bson.AppendDocumentEnd(b, arr)
		return b
	}))
	if err != nil || !isOK(bson.Raw(reply.Body).Lookup("ok")) {
		t.Fatalf("createUser: %v %v", err, bson.Raw(reply.Body))
	}
	admin.CheckIn(c)
	t.Cleanup(func() {
		c, err := admin.Checkout(context.Background())
		if err == nil {
			c.RoundTrip(context.Background(), appendMsg(nil, "admin", func(b []byte) []byte {
				return bson.AppendStringElement(b, "dropUser", user)
			}))
			admin.CheckIn(c)
		}
	})

	cr, err := auth.Credential{Username: user, Password: pwd, PasswordSet: true}.WithDefaults("admin")
	if err != nil {
		t.Fatal(err)
	}
	p := newReadyPool(t, addr, Config{Conn: ConnConfig{Credential: &cr}})
	uc, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	assertAuthenticatedAs(t, uc, user)
	p.CheckIn(uc)
}

// Speculative authentication puts saslStart in the hello: the handshake
// takes one message fewer than a hello followed by a full conversation.
func TestAuthSpeculativeSavesARoundTrip(t *testing.T) {
	addr, cred := serverFromURI(t, testenv.AuthURI(t))
	cr := *cred
	cr.Mechanism = auth.MechanismSCRAMSHA256

	spec := &countingDialer{}
	c := dialT(t, addr, &ConnConfig{Dialer: spec, Credential: &cr})
	if bson.Raw(c.Description().Hello).Lookup("speculativeAuthenticate").IsZero() {
		t.Skip("the server ignored speculativeAuthenticate")
	}

	full := &countingDialer{}
	c2 := dialT(t, addr, &ConnConfig{Dialer: full})
	hello := full.writes.Load()
	if err := auth.Authenticate(testCtx(t), c2, cr, c2.Description().Hello, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := spec.writes.Load(), full.writes.Load()-1; got != want {
		t.Fatalf("speculative handshake sent %d messages, a hello (%d) plus a full conversation (%d) minus one is %d",
			got, hello, full.writes.Load()-hello, want)
	}
	t.Logf("speculative: %d messages; hello then conversation: %d", spec.writes.Load(), full.writes.Load())
}
