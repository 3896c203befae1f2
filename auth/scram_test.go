package auth

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
	"testing"
)

// scramVector is one published SCRAM exchange.
type scramVector struct {
	name           string
	mechanism      string
	user, password string
	prepared       bool // password is used as given (RFC examples), not MongoDB-prepared
	nonce          string
	serverFirst    string
	clientFirst    string
	clientFinal    string
	serverFinal    string
}

var scramVectors = []scramVector{
	{
		name: "RFC 5802 section 5", mechanism: MechanismSCRAMSHA1, user: "user", password: "pencil", prepared: true,
		nonce:       "fyko+d2lbbFgONRv9qkxdawL",
		clientFirst: "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
		serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
		clientFinal: "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
		serverFinal: "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
	},
	{
		name: "RFC 7677 section 3", mechanism: MechanismSCRAMSHA256, user: "user", password: "pencil", prepared: true,
		nonce:       "rOprNGfwEbeRWgbNEkqO",
		clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
		serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
		clientFinal: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
	},
	{
		name: "auth spec SCRAM-SHA-1 (MongoDB password digest)", mechanism: MechanismSCRAMSHA1, user: "user", password: "pencil",
		nonce:       "fyko+d2lbbFgONRv9qkxdawL",
		clientFirst: "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
		serverFirst: "r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000",
		clientFinal: "c=biws,r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,p=MC2T8BvbmWRckDw8oWl5IVghwCY=",
		serverFinal: "v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0=",
	},
	{
		name: "auth spec SCRAM-SHA-256 (SASLprep)", mechanism: MechanismSCRAMSHA256, user: "user", password: "pen\u00ADcil",
		nonce:       "rOprNGfwEbeRWgbNEkqO",
		clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
		serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
		clientFinal: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
	},
}

func TestSCRAMVectors(t *testing.T) {
	for _, v := range scramVectors {
		t.Run(v.name, func(t *testing.T) {
			var c *scramClient
			if v.prepared {
				c = newSCRAMClientPrepared(v.mechanism, v.user, v.password, v.nonce, newKeyCache(4))
			} else {
				var err error
				if c, err = newSCRAMClient(v.mechanism, v.user, v.password, v.nonce, newKeyCache(4)); err != nil {
					t.Fatal(err)
				}
			}
			if got := string(c.clientFirst()); got != v.clientFirst {
				t.Fatalf("client-first = %q; want %q", got, v.clientFirst)
			}
			got, err := c.clientFinal(context.Background(), []byte(v.serverFirst))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != v.clientFinal {
				t.Fatalf("client-final = %q; want %q", got, v.clientFinal)
			}
			if err := c.verifyServerFinal([]byte(v.serverFinal)); err != nil {
				t.Fatal(err)
			}
			if !c.done {
				t.Fatal("not done after a verified server-final")
			}
		})
	}
}

func TestMongoPasswordDigest(t *testing.T) {
	// The auth spec's MONGODB-CR example uses the same digest of user/pencil;
	// its key is md5(nonce + user + digest).
	d := mongoPasswordDigest("user", "pencil")
	if len(d) != 32 {
		t.Fatalf("digest %q is not 32 hex digits", d)
	}
	key := md5hex("2375531c32080ae8" + "user" + d)
	if key != "21742f26431831d5cfca035a08c5bdf6" {
		t.Fatalf("MONGODB-CR key from digest = %s; want the spec's 21742f26431831d5cfca035a08c5bdf6", key)
	}
}

func TestPBKDF2RFC6070(t *testing.T) {
	// RFC 6070 (PBKDF2-HMAC-SHA1) and the SHA-256 values every library checks.
	tests := []struct {
		h              func() hash.Hash
		password, salt string
		iter           int
		want           string
	}{
		{sha1.New, "password", "salt", 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
		{sha1.New, "password", "salt", 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
		{sha1.New, "password", "salt", 4096, "4b007901b765489abead49d926f721d065a429c1"},
		{sha256.New, "password", "salt", 1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"},
		{sha256.New, "password", "salt", 4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"},
	}
	for _, tc := range tests {
		got, err := pbkdf2(context.Background(), tc.h, []byte(tc.password), []byte(tc.salt), tc.iter)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != tc.want {
			t.Errorf("pbkdf2(%q, %q, %d) = %x; want %s", tc.password, tc.salt, tc.iter, got, tc.want)
		}
	}
}

func TestPBKDF2HonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pbkdf2(ctx, sha256.New, []byte("p"), []byte("s"), 1<<30); err != context.Canceled {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
}

func TestEscapeSCRAMName(t *testing.T) {
	for in, want := range map[string]string{
		"user": "user", "a=b": "a=3Db", "a,b": "a=2Cb", "=,": "=3D=2C", "=2C": "=3D2C",
	} {
		if got := escapeSCRAMName(in); got != want {
			t.Errorf("escape(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestClientNonceIsRandom(t *testing.T) {
	a, err := newSCRAMClient(MechanismSCRAMSHA256, "u", "p", "", newKeyCache(1))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := newSCRAMClient(MechanismSCRAMSHA256, "u", "p", "", newKeyCache(1))
	if a.clientNonce == b.clientNonce || len(a.clientNonce) != 32 {
		t.Fatalf("nonces %q, %q: want two different 32-character nonces", a.clientNonce, b.clientNonce)
	}
}

func TestServerFirstErrors(t *testing.T) {
	const nonce = "clientnonce"
	tests := []struct{ name, msg, want string }{
		{"nonce not ours", "r=othernonceXYZ,s=c2FsdA==,i=4096", "server nonce does not start with client nonce"},
		{"nonce without server part", "r=clientnonce,s=c2FsdA==,i=4096", "server nonce does not start with client nonce"},
		{"iterations too low", "r=clientnonceXYZ,s=c2FsdA==,i=1000", "iteration count 1000 below minimum 4096"},
		{"iterations not a number", "r=clientnonceXYZ,s=c2FsdA==,i=12a", "bad iteration count"},
		{"iterations empty", "r=clientnonceXYZ,s=c2FsdA==,i=", "bad iteration count"},
		{"iterations leading zero", "r=clientnonceXYZ,s=c2FsdA==,i=04096", "bad iteration count"},
		{"iterations overflow", "r=clientnonceXYZ,s=c2FsdA==,i=9999999999", "out of range"},
		{"iterations negative", "r=clientnonceXYZ,s=c2FsdA==,i=-5000", "bad iteration count"},
		{"bad base64 salt", "r=clientnonceXYZ,s=***,i=4096", "bad base64 in server payload (salt)"},
		{"empty salt", "r=clientnonceXYZ,s=,i=4096", "empty salt"},
		{"mandatory extension", "m=ext,r=clientnonceXYZ,s=c2FsdA==,i=4096", "mandatory extension"},
		{"wrong order", "r=clientnonceXYZ,i=4096,s=c2FsdA==", "r, s, i"},
		{"missing iterations", "r=clientnonceXYZ,s=c2FsdA==", "r, s, i"},
		{"empty", "", "empty server payload"},
		{"no equals", "r=clientnonceXYZ,sc2FsdA==,i=4096", "malformed attribute 2"},
		{"trailing comma", "r=clientnonceXYZ,s=c2FsdA==,i=4096,", "malformed attribute 4"},
		{"non-letter attribute", "r=clientnonceXYZ,s=c2FsdA==,i=4096,1=x", "malformed attribute 4"},
		{"control in nonce", "r=clientnonce\x01,s=c2FsdA==,i=4096", "non-printable"},
	}
	for _, tc := range tests {
		c := newSCRAMClientPrepared(MechanismSCRAMSHA256, "user", "pencil", nonce, newKeyCache(1))
		_, err := c.clientFinal(context.Background(), []byte(tc.msg))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v; want %q", tc.name, err, tc.want)
		}
	}
}

func TestServerFirstIgnoresOptionalExtensions(t *testing.T) {
	c := newSCRAMClientPrepared(MechanismSCRAMSHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO", newKeyCache(1))
	v := scramVectors[1]
	if _, err := c.clientFinal(context.Background(), []byte(v.serverFirst+",x=future")); err != nil {
		t.Fatalf("optional extension after i: %v", err)
	}
}

func TestServerFinalErrors(t *testing.T) {
	v := scramVectors[1]
	tests := []struct{ name, msg, want string }{
		{"signature mismatch", "v=AAAAZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "server signature mismatch"},
		{"bad base64", "v=not*base64", "bad base64 in server payload"},
		{"server error", "e=invalid-proof", "server rejected the proof: invalid-proof"},
		{"odd server error not echoed", "e=<script>", "unrecognised server error"},
		{"wrong attribute", "x=1", "want attribute v or e"},
		{"empty", "", "empty server payload"},
		{"truncated", "v", "malformed attribute 1"},
	}
	for _, tc := range tests {
		c := newSCRAMClientPrepared(v.mechanism, v.user, v.password, v.nonce, newKeyCache(1))
		if _, err := c.clientFinal(context.Background(), []byte(v.serverFirst)); err != nil {
			t.Fatal(err)
		}
		err := c.verifyServerFinal([]byte(tc.msg))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v; want %q", tc.name, err, tc.want)
		}
		if c.done {
			t.Errorf("%s: done after a failed verification", tc.name)
		}
	}
	c := newSCRAMClientPrepared(v.mechanism, v.user, v.password, v.nonce, newKeyCache(1))
	if err := c.verifyServerFinal([]byte(v.serverFinal)); err == nil {
		t.Error("server-final before client-final accepted")
	}
}
