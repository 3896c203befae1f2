package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
)

func scramCred(mech string) Credential {
	return Credential{Mechanism: mech, Username: "user", Password: "pencil", PasswordSet: true}
}

func TestSCRAMConversation(t *testing.T) {
	for _, mech := range []string{MechanismSCRAMSHA1, MechanismSCRAMSHA256} {
		for _, old := range []bool{false, true} {
			name := mech
			if old {
				name += "/long conversation"
			}
			t.Run(name, func(t *testing.T) {
				s := newFakeServer(t)
				if old {
					s.done = func(step int, d bool) bool { return d && step != 2 } // ignores skipEmptyExchange
				}
				err := authenticate(context.Background(), s, scramCred(mech), mech, newKeyCache(4), nil)
				if err != nil {
					t.Fatal(err)
				}
				want := 2
				if old {
					want = 3
				}
				if len(s.cmds) != want {
					t.Fatalf("%d commands; want %d", len(s.cmds), want)
				}
				start := s.cmds[0]
				if skip, _ := start.Lookup("options", "skipEmptyExchange").Boolean(); !skip {
					t.Error("saslStart without options.skipEmptyExchange: true")
				}
				if m, _ := start.Lookup("mechanism").StringValue(); m != mech {
					t.Errorf("mechanism %q; want %q", m, mech)
				}
				for i, db := range s.dbs {
					if db != "admin" {
						t.Errorf("command %d sent to %q; want admin", i, db)
					}
				}
			})
		}
	}
}

func TestSCRAMWrongPassword(t *testing.T) {
	s := newFakeServer(t)
	cred := scramCred(MechanismSCRAMSHA256)
	cred.Password = "wrong-secret"
	err := Authenticate(context.Background(), s, cred, nil, nil)
	var ae *AuthError
	var ce *CommandError
	if !errors.As(err, &ae) || !errors.As(err, &ce) || ce.Code != 18 {
		t.Fatalf("err = %v; want *AuthError wrapping code 18", err)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Fatalf("error shows the password: %v", err)
	}
	if ae.Mechanism != MechanismSCRAMSHA256 || ae.Username != "user" || ae.Source != "admin" {
		t.Fatalf("AuthError names %q %q %q", ae.Mechanism, ae.Username, ae.Source)
	}
}

func TestCommanderErrorIsWrapped(t *testing.T) {
	netErr := errors.New("connection reset")
	c := commanderFunc(func(context.Context, string, []byte) (bson.Raw, error) { return nil, netErr })
	err := Authenticate(context.Background(), c, scramCred(MechanismSCRAMSHA256), nil, nil)
	var ae *AuthError
	if !errors.As(err, &ae) || !errors.Is(err, netErr) {
		t.Fatalf("err = %v; want *AuthError wrapping the Commander's error", err)
	}
}

type commanderFunc func(context.Context, string, []byte) (bson.Raw, error)

func (f commanderFunc) Command(ctx context.Context, db string, cmd []byte) (bson.Raw, error) {
	return f(ctx, db, cmd)
}

// TestSCRAMMalformedServer breaks every part of the server's side and
// checks that the client refuses with the right reason, without panicking
// and without echoing the password or the payload.
func TestSCRAMMalformedServer(t *testing.T) {
	replacePayload := func(atStep int, p string) func(int, []byte) []byte {
		return func(step int, old []byte) []byte {
			if step == atStep {
				return []byte(strings.ReplaceAll(p, "$OLD", string(old)))
			}
			return old
		}
	}
	replyAt := func(atStep int, body func([]byte) []byte) func(int, []byte) []byte {
		return func(step int, old []byte) []byte {
			if step == atStep {
				return mustDoc(t, body)
			}
			return old
		}
	}
	tests := []struct {
		name  string
		setup func(s *fakeServer)
		want  string
	}{
		{"server nonce not ours", func(s *fakeServer) {
			s.payload = func(step int, p []byte) []byte {
				if step == 1 {
					return bytes.Replace(p, []byte("r="), []byte("r=X"), 1)
				}
				return p
			}
		}, "server nonce does not start with client nonce"},
		{"iteration count too low", func(s *fakeServer) { s.iter = 1000 }, "iteration count 1000 below minimum 4096"},
		{"bad base64 salt", func(s *fakeServer) {
			s.payload = func(step int, p []byte) []byte {
				if step == 1 {
					return bytes.Replace(p, []byte(",s="), []byte(",s=!"), 1)
				}
				return p
			}
		}, "bad base64 in server payload (salt)"},
		{"mandatory extension", func(s *fakeServer) { s.payload = replacePayload(1, "m=x,$OLD") }, "mandatory extension"},
		{"garbage server-first", func(s *fakeServer) { s.payload = replacePayload(1, "\x00\xff\x01") }, "malformed attribute 1"},
		{"empty server-first", func(s *fakeServer) { s.payload = replacePayload(1, "") }, "empty server payload"},
		{"server signature mismatch", func(s *fakeServer) {
			s.payload = replacePayload(2, "v="+base64.StdEncoding.EncodeToString(make([]byte, 32)))
		}, "server signature mismatch"},
		{"bad base64 signature", func(s *fakeServer) { s.payload = replacePayload(2, "v=@@@") }, "bad base64 in server payload"},
		{"server error in final", func(s *fakeServer) { s.payload = replacePayload(2, "e=invalid-proof") }, "invalid-proof"},
		{"done before proof", func(s *fakeServer) {
			s.done = func(step int, d bool) bool { return d || step == 1 }
		}, "before proving it knows the password"},
		{"payload after completion", func(s *fakeServer) {
			s.done = func(step int, d bool) bool { return d && step != 2 }
			s.payload = replacePayload(3, "extra")
		}, "payload after the conversation was complete"},
		{"never done", func(s *fakeServer) {
			s.done = func(int, bool) bool { return false }
			s.reply = func(step int, r []byte) []byte {
				if step >= 3 { // keep answering the empty exchange
					return mustDoc(t, func(d []byte) []byte {
						d = bson.AppendInt32Element(d, "conversationId", 1)
						d = bson.AppendBooleanElement(d, "done", false)
						return bson.AppendBinaryElement(d, "payload", 0, nil)
					})
				}
				return r
			}
		}, "not done after"},
		{"no conversationId", func(s *fakeServer) {
			s.reply = replyAt(1, func(d []byte) []byte { return bson.AppendBooleanElement(d, "done", false) })
		}, "no conversationId"},
		{"conversationId string", func(s *fakeServer) {
			s.reply = replyAt(1, func(d []byte) []byte {
				d = bson.AppendStringElement(d, "conversationId", "1")
				return bson.AppendBooleanElement(d, "done", false)
			})
		}, "conversationId is a string"},
		{"done missing", func(s *fakeServer) {
			s.reply = replyAt(1, func(d []byte) []byte { return bson.AppendInt32Element(d, "conversationId", 1) })
		}, "done is missing"},
		{"payload not binary", func(s *fakeServer) {
			s.reply = replyAt(1, func(d []byte) []byte {
				d = bson.AppendInt32Element(d, "conversationId", 1)
				d = bson.AppendBooleanElement(d, "done", false)
				return bson.AppendStringElement(d, "payload", "cj1hYmM=")
			})
		}, "payload is a string"},
		{"ok 0 in reply", func(s *fakeServer) {
			s.reply = replyAt(1, func(d []byte) []byte {
				d = bson.AppendDoubleElement(d, "ok", 0)
				d = bson.AppendStringElement(d, "errmsg", "Authentication failed.")
				return bson.AppendInt32Element(d, "code", 18)
			})
		}, "server error 18: Authentication failed."},
		{"reply not a document", func(s *fakeServer) {
			s.reply = func(step int, r []byte) []byte { return []byte{1, 2, 3} }
		}, "malformed server reply"},
		{"truncated reply", func(s *fakeServer) {
			s.reply = func(step int, r []byte) []byte { return r[:len(r)-3] }
		}, "malformed server reply"},
	}
	for _, tc := range tests {
		for _, mech := range []string{MechanismSCRAMSHA1, MechanismSCRAMSHA256} {
			t.Run(tc.name+"/"+mech, func(t *testing.T) {
				s := newFakeServer(t)
				tc.setup(s)
				cred := scramCred(mech)
				cred.Password = "pencil-secret"
				s.password = cred.Password
				err := wrap(cred, mech, authenticate(context.Background(), s, cred, mech, newKeyCache(4), nil))
				var ae *AuthError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %v; want *AuthError", err)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v; want it to say %q", err, tc.want)
				}
				if strings.Contains(err.Error(), "pencil-secret") || strings.Contains(err.Error(), s.nonce) {
					t.Fatalf("error shows the password or payload: %v", err)
				}
			})
		}
	}
}

func TestPLAINConversation(t *testing.T) {
	s := newFakeServer(t)
	cred, err := Credential{Mechanism: "plain", Username: "user", Password: "pencil"}.WithDefaults("")
	if err != nil {
		t.Fatal(err)
	}
	if err := Authenticate(context.Background(), s, cred, nil, nil); err != nil {
		t.Fatal(err)
	}
	p, _ := s.cmds[0].Lookup("payload").Binary()
	// The auth spec's PLAIN example: BinData(0, "AHVzZXIAcGVuY2ls").
	if got := base64.StdEncoding.EncodeToString(p.Data); got != "AHVzZXIAcGVuY2ls" {
		t.Fatalf("payload %s; want AHVzZXIAcGVuY2ls", got)
	}
	if s.dbs[0] != "$external" || len(s.cmds) != 1 {
		t.Fatalf("sent %d commands to %q; want 1 to $external", len(s.cmds), s.dbs[0])
	}
	if _, ok := s.cmds[0].Lookup("options").Document(); ok {
		t.Fatal("PLAIN saslStart carries SCRAM options")
	}

	s = newFakeServer(t)
	cred.Password = "nope"
	if err := Authenticate(context.Background(), s, cred, nil, nil); err == nil || strings.Contains(err.Error(), "nope") {
		t.Fatalf("wrong PLAIN password: err = %v", err)
	}
}

func TestX509Conversation(t *testing.T) {
	for _, user := range []string{"", "CN=client"} {
		s := newFakeServer(t)
		cred := Credential{Mechanism: MechanismX509, Username: user}
		if err := Authenticate(context.Background(), s, cred, nil, nil); err != nil {
			t.Fatal(err)
		}
		cmd := s.cmds[0]
		got, hasUser := cmd.Lookup("user").StringValue()
		if hasUser != (user != "") || got != user {
			t.Errorf("user field = %q (present %v); want %q", got, hasUser, user)
		}
		if db, _ := cmd.Lookup("$db").StringValue(); db != "$external" {
			t.Errorf("$db = %q", db)
		}
	}
}

func TestNegotiation(t *testing.T) {
	hello := func(mechs ...string) bson.Raw {
		return mustDoc(t, func(d []byte) []byte {
			start, d := bson.AppendArrayElementStart(d, "saslSupportedMechs")
			for i, m := range mechs {
				d = bson.AppendStringElement(d, bson.ArrayKey(i), m)
			}
			d, _ = bson.AppendDocumentEnd(d, start)
			return d
		})
	}
	tests := []struct {
		hello bson.Raw
		want  string
	}{
		{hello(MechanismSCRAMSHA1, MechanismSCRAMSHA256), MechanismSCRAMSHA256},
		{hello(MechanismSCRAMSHA1), MechanismSCRAMSHA1},
		{hello(), MechanismSCRAMSHA1},
		{hello("PLAIN", "GSSAPI"), MechanismSCRAMSHA1}, // never PLAIN by default
		{nil, MechanismSCRAMSHA1},
	}
	for i, tc := range tests {
		s := newFakeServer(t)
		if err := Authenticate(context.Background(), s, Credential{Username: "user", Password: "pencil"}, tc.hello, nil); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if s.mech != tc.want {
			t.Errorf("case %d: negotiated %q; want %q", i, s.mech, tc.want)
		}
	}
	if got := SASLSupportedMechs(Credential{Username: "us,er", Password: "x"}); got != "admin.us,er" {
		t.Errorf("SASLSupportedMechs = %q; want admin.us,er", got)
	}
	if got := SASLSupportedMechs(Credential{Username: "u", Source: "db"}); got != "db.u" {
		t.Errorf("SASLSupportedMechs = %q; want db.u", got)
	}
	if got := SASLSupportedMechs(scramCred(MechanismSCRAMSHA1)); got != "" {
		t.Errorf("SASLSupportedMechs with a mechanism = %q; want empty", got)
	}
}

func TestSASLprepdPasswordMatchesServer(t *testing.T) {
	// Auth spec test plan step 4: a user whose password is U+2163 (ROMAN
	// NUMERAL FOUR) authenticates with "IV" and "I\u00ADV" as well.
	for _, pw := range []string{"\u2163", "IV", "I\u00ADV"} {
		s := newFakeServer(t)
		s.user, s.password = "\u2168", "\u2163"
		cred := Credential{Mechanism: MechanismSCRAMSHA256, Username: "\u2168", Password: pw}
		if err := authenticate(context.Background(), s, cred, MechanismSCRAMSHA256, newKeyCache(4), nil); err != nil {
			t.Errorf("password %+q: %v", pw, err)
		}
	}
}

func TestConversationUsesKeyCache(t *testing.T) {
	cache := newKeyCache(4)
	for i := 0; i < 3; i++ {
		s := newFakeServer(t)
		if err := authenticate(context.Background(), s, scramCred(MechanismSCRAMSHA256), MechanismSCRAMSHA256, cache, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, hits, misses := cache.stats(); hits != 2 || misses != 1 {
		t.Fatalf("hits=%d misses=%d; want 2 and 1", hits, misses)
	}
}

func benchmarkConversation(b *testing.B, warm bool) {
	b.ReportAllocs()
	s := newFakeServer(b)
	s.iter = 15000 // MongoDB's default for SCRAM-SHA-256 users
	cache := newKeyCache(4)
	cred := scramCred(MechanismSCRAMSHA256)
	for i := 0; i < b.N; i++ {
		if !warm {
			cache = newKeyCache(4)
		}
		s.cmds, s.dbs = s.cmds[:0], s.dbs[:0]
		if err := authenticate(context.Background(), s, cred, MechanismSCRAMSHA256, cache, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// The fake server derives its stored keys once, as a real server keeps
// them, so "cold" is one client-side PBKDF2 per conversation and "warm" none.
func BenchmarkSCRAMSHA256Cold(b *testing.B) { benchmarkConversation(b, false) }
func BenchmarkSCRAMSHA256Warm(b *testing.B) { benchmarkConversation(b, true) }

// Reauthentication of a negotiated SCRAM connection uses the mechanism
// the handshake chose, without a hello (no saslSupportedMechs is known
// then).
func TestReauthenticateKeepsNegotiatedMechanism(t *testing.T) {
	hello := mustDoc(t, func(d []byte) []byte {
		start, d := bson.AppendArrayElementStart(d, "saslSupportedMechs")
		d = bson.AppendStringElement(d, "0", MechanismSCRAMSHA256)
		d, _ = bson.AppendDocumentEnd(d, start)
		return d
	})
	cred := Credential{Username: "user", Password: "pencil"}
	st := &ConnState{}
	s := newFakeServer(t)
	if err := Authenticate(context.Background(), s, cred, hello, st); err != nil || st.mech != MechanismSCRAMSHA256 {
		t.Fatalf("err %v, state mech %q", err, st.mech)
	}
	s2 := newFakeServer(t)
	if err := Reauthenticate(context.Background(), s2, cred, st); err != nil || s2.mech != MechanismSCRAMSHA256 {
		t.Fatalf("err %v, reauthenticated with %q; want SCRAM-SHA-256", err, s2.mech)
	}
}
