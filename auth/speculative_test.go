package auth

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/torque-go/torque/bson"
)

// helloWith builds a hello reply with an optional speculativeAuthenticate
// answer and saslSupportedMechs.
func helloWith(t *testing.T, answer bson.Raw, mechs ...string) bson.Raw {
	return mustDoc(t, func(d []byte) []byte {
		d = bson.AppendBooleanElement(d, "isWritablePrimary", true)
		if len(mechs) > 0 {
			start, d2 := bson.AppendArrayElementStart(d, "saslSupportedMechs")
			for i, m := range mechs {
				d2 = bson.AppendStringElement(d2, bson.ArrayKey(i), m)
			}
			d, _ = bson.AppendDocumentEnd(d2, start)
		}
		if answer != nil {
			d = bson.AppendDocumentElement(d, "speculativeAuthenticate", answer)
		}
		return bson.AppendDoubleElement(d, "ok", 1)
	})
}

func TestSpeculativeSCRAM(t *testing.T) {
	// No mechanism given: speculate with SCRAM-SHA-256.
	cred := Credential{Username: "user", Password: "pencil", Source: "admin"}
	spec, err := speculate(cred, "rOprNGfwEbeRWgbNEkqO", newKeyCache(4), nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := spec.Document()
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	if m, _ := doc.Lookup("mechanism").StringValue(); m != MechanismSCRAMSHA256 {
		t.Fatalf("speculative mechanism %q; want SCRAM-SHA-256", m)
	}
	if db, _ := doc.Lookup("db").StringValue(); db != "admin" {
		t.Fatalf("db = %q; want admin", db)
	}
	if v := doc.Lookup("$db"); !v.IsZero() {
		t.Fatal("speculative document carries $db")
	}
	p, _ := doc.Lookup("payload").Binary()
	// The auth spec's SCRAM-SHA-256 saslStart payload for this nonce.
	if got := base64.StdEncoding.EncodeToString(p.Data); got != "biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=" {
		t.Fatalf("payload %s", got)
	}
	if skip, _ := doc.Lookup("options", "skipEmptyExchange").Boolean(); !skip {
		t.Fatal("no options.skipEmptyExchange")
	}

	s := newFakeServer(t)
	answer := s.speculativeReply(doc)
	if err := spec.Finish(context.Background(), s, helloWith(t, answer), nil); err != nil {
		t.Fatal(err)
	}
	if len(s.cmds) != 1 {
		t.Fatalf("%d commands after speculative start; want 1 saslContinue", len(s.cmds))
	}
	if _, err := s.cmds[0].LookupErr("saslContinue"); err != nil {
		t.Fatalf("first command is not saslContinue: %v", err)
	}
}

func TestSpeculativeFallsBack(t *testing.T) {
	// The server ignored speculativeAuthenticate and offers only SCRAM-SHA-1
	// for the user: a full SCRAM-SHA-1 conversation follows.
	cred := Credential{Username: "user", Password: "pencil"}
	spec, err := speculate(cred, "", newKeyCache(4), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := newFakeServer(t)
	s.mechs = []string{MechanismSCRAMSHA1}
	if err := spec.Finish(context.Background(), s, helloWith(t, nil, MechanismSCRAMSHA1), nil); err != nil {
		t.Fatal(err)
	}
	if s.mech != MechanismSCRAMSHA1 || len(s.cmds) != 2 {
		t.Fatalf("fell back to %q with %d commands; want SCRAM-SHA-1 with 2", s.mech, len(s.cmds))
	}
}

func TestSpeculativeFailureIsFinal(t *testing.T) {
	cred := Credential{Mechanism: MechanismSCRAMSHA256, Username: "user", Password: "bad"}
	spec, err := speculate(cred, "", newKeyCache(4), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := newFakeServer(t)
	answer := s.speculativeReply(spec.Document())
	if err := spec.Finish(context.Background(), s, helloWith(t, answer), nil); err == nil {
		t.Fatal("wrong password accepted")
	}
	if len(s.cmds) != 1 {
		t.Fatalf("%d commands; want only the failed saslContinue (no second conversation)", len(s.cmds))
	}
}

func TestSpeculativeX509(t *testing.T) {
	spec, err := Speculate(Credential{Mechanism: MechanismX509}, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := spec.Document()
	if n, _ := doc.Lookup("authenticate").Int32(); n != 1 {
		t.Fatal("no authenticate: 1")
	}
	if m, _ := doc.Lookup("mechanism").StringValue(); m != MechanismX509 {
		t.Fatalf("mechanism %q", m)
	}
	if db, _ := doc.Lookup("db").StringValue(); db != "$external" {
		t.Fatalf("db %q", db)
	}
	if !doc.Lookup("user").IsZero() {
		t.Fatal("user sent though none was given")
	}
	// Answered: no command at all.
	s := newFakeServer(t)
	answer := mustDoc(t, func(d []byte) []byte {
		d = bson.AppendStringElement(d, "dbname", "$external")
		return bson.AppendStringElement(d, "user", "CN=client")
	})
	if err := spec.Finish(context.Background(), s, helloWith(t, answer), nil); err != nil || len(s.cmds) != 0 {
		t.Fatalf("err=%v, %d commands; want nil and 0", err, len(s.cmds))
	}
	// Not answered: one authenticate command.
	if err := spec.Finish(context.Background(), s, helloWith(t, nil), nil); err != nil || len(s.cmds) != 1 {
		t.Fatalf("err=%v, %d commands; want nil and 1", err, len(s.cmds))
	}
}

func TestSpeculatePLAINHasNone(t *testing.T) {
	spec, err := Speculate(Credential{Mechanism: MechanismPLAIN, Username: "u", Password: "p"}, nil)
	if spec != nil || err != nil {
		t.Fatalf("Speculate(PLAIN) = %v, %v; want nil, nil", spec, err)
	}
}

func TestSpeculateValidates(t *testing.T) {
	if _, err := Speculate(Credential{Mechanism: MechanismSCRAMSHA256}, nil); err == nil {
		t.Fatal("Speculate accepted a credential without a username")
	}
}
