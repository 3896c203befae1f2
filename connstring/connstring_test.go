package connstring_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/connstring"
)

const secret = "S3cr3tPa55"

// TestSecretsNeverShown feeds strings whose password (or other secret) is
// malformed in every way the parser reports, and checks that neither the
// error, the warnings, String nor Redacted contains it.
func TestSecretsNeverShown(t *testing.T) {
	uris := []string{
		"mongodb://u:" + secret + "@host:99999",
		"mongodb://u:" + secret + ":x@host",
		"mongodb://u:" + secret + "@@host",
		"mongodb://u:" + secret + "%zz@host",
		"mongodb://u:" + secret + "/x@host",        // '/' cuts the password: host "u:S3cr..."
		"mongodb://u:" + secret + "?x=1@host",      // '?' cuts it: options from the password
		"mongodb://u:" + secret + "/db?w=1@host:0", // database from the password
		"mongodb://u:a/" + secret + "@host",        // database "S3cr...@host"
		"mongodb://u:a?" + secret + "=1@host",      // option key from the password
		"mongodb://u:" + secret + "@host/?authMechanism=MONGODB-X509",
		"mongodb://u:" + secret + "@host/?authMechanism=NOPE",
		"mongodb://u:" + secret + "@host/?tlsCertificateKeyFilePassword=" + secret + "&tlsInsecure=true&tlsAllowInvalidHostnames=true",
		"mongodb://host/?proxyHost=p&proxyPassword=" + secret,
		"mongodb://host/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:" + secret,
		"mongodb://host/?authMechanismProperties=" + secret,
		"mongodb://host/?tlsCertificateKeyFilePassword=" + secret + "&tlsCertificateKeyFilePassword=" + secret,
		"mongodb://host/?authMechanismProperties=" + secret + "%zz",
	}
	for _, uri := range uris {
		cs, err := connstring.Parse(uri)
		var texts []string
		if err != nil {
			texts = append(texts, err.Error())
		} else {
			texts = append(texts, cs.String(), cs.Redacted())
			texts = append(texts, cs.Warnings...)
		}
		if err == nil && len(cs.Warnings) == 0 && !strings.Contains(uri, "tlsCertificateKeyFilePassword") {
			t.Errorf("%s: parsed without error or warning; the test expects one", uri)
		}
		for _, s := range texts {
			if strings.Contains(s, secret) {
				t.Errorf("the secret leaked for %q: %s", uri, s)
			}
		}
	}
}

func TestErrorNamesThePart(t *testing.T) {
	cases := []struct{ uri, part string }{
		{"http://x", "scheme"},
		{"mongodb://h:70000", "host"},
		{"mongodb://a@@h", "user information"},
		{"mongodb://h/a b", "database"},
		{"mongodb://h/?w", "option w"},
		{"mongodb://h/?tls=true&ssl=false", "option tls"},
		{"mongodb://h1,h2/?directConnection=true", "option directConnection"},
	}
	for _, c := range cases {
		_, err := connstring.Parse(c.uri)
		var e *connstring.Error
		if !errors.As(err, &e) || e.Part != c.part {
			t.Errorf("Parse(%q) = %v, want an *Error about %q", c.uri, err, c.part)
		}
	}
}

func TestParseFields(t *testing.T) {
	cs, err := connstring.Parse("mongodb://u%3Ax:p%40w@Example.COM:27018,[::1],%2Ftmp%2Fm.sock/my%3Fdb?" +
		"maxPoolSize=0&ReadPreference=secondary&readPreferenceTags=dc:ny,rack:1&readPreferenceTags=&" +
		"w=majority&wTimeoutMS=250&ssl=true&appName=app&compressors=zstd,lz4,zlib&maxStalenessSeconds=-1")
	if err != nil {
		t.Fatal(err)
	}
	if cs.Username != "u:x" || cs.Password != "p@w" || cs.Database != "my?db" {
		t.Errorf("userinfo/db = %q %v %q", cs.Username, cs.PasswordSet, cs.Database)
	}
	want := []string{"example.com:27018", "[::1]:27017", "/tmp/m.sock"}
	for i, h := range cs.Hosts {
		if h.Addr() != want[i] {
			t.Errorf("host %d = %s, want %s", i, h.Addr(), want[i])
		}
	}
	if cs.MaxPoolSize == nil || *cs.MaxPoolSize != 0 {
		t.Errorf("maxPoolSize=0 must be recorded as set: %v", cs.MaxPoolSize)
	}
	if cs.MinPoolSize != nil {
		t.Errorf("minPoolSize was not given but is set")
	}
	if cs.ReadPreference != "secondary" || len(cs.ReadPreferenceTags) != 2 || cs.ReadPreferenceTags[0]["rack"] != "1" ||
		len(cs.ReadPreferenceTags[1]) != 0 {
		t.Errorf("read preference = %q %v", cs.ReadPreference, cs.ReadPreferenceTags)
	}
	if cs.W != "majority" || cs.WTimeout == nil || *cs.WTimeout != 250*time.Millisecond {
		t.Errorf("write concern = %q %v", cs.W, cs.WTimeout)
	}
	if cs.TLS == nil || !*cs.TLS || cs.AppName != "app" {
		t.Errorf("tls/appname = %v %q", cs.TLS, cs.AppName)
	}
	if strings.Join(cs.Compressors, ",") != "zstd,zlib" || len(cs.Warnings) != 1 {
		t.Errorf("compressors = %v, warnings %q", cs.Compressors, cs.Warnings)
	}
	if cs.MaxStaleness == nil || *cs.MaxStaleness >= 0 {
		t.Errorf("maxStalenessSeconds=-1 = %v", cs.MaxStaleness)
	}
}

func TestRedactedRoundTrip(t *testing.T) {
	uri := "mongodb://user:pw@a.example.com:27018,b.example.com/admin?replicaSet=rs&maxPoolSize=0&tls=true&" +
		"authMechanismProperties=SERVICE_NAME:x&authMechanism=GSSAPI&authSource=$external"
	cs, err := connstring.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	r := cs.Redacted()
	if strings.Contains(r, "pw") || !strings.Contains(r, "user:xxxxx@") || !strings.Contains(r, "SERVICE_NAME:xxxxx") {
		t.Fatalf("Redacted() = %s", r)
	}
	again, err := connstring.Parse(r)
	if err != nil {
		t.Fatalf("Parse(Redacted()) = %v", err)
	}
	if again.Redacted() != r || again.ReplicaSet != "rs" || *again.MaxPoolSize != 0 {
		t.Errorf("round trip: %s\n!= %s", again.Redacted(), r)
	}
}

func TestValidateStructLiteral(t *testing.T) {
	yes := true
	ok := &connstring.ConnString{Hosts: []connstring.Host{{Name: "localhost"}}}
	if err := ok.Validate(); err != nil {
		t.Errorf("minimal literal: %v", err)
	}
	bad := &connstring.ConnString{Hosts: []connstring.Host{{Name: "a"}, {Name: "b"}}, LoadBalanced: &yes}
	if err := bad.Validate(); err == nil {
		t.Error("loadBalanced with two hosts validated")
	}
	if err := (&connstring.ConnString{}).Validate(); err == nil {
		t.Error("no hosts validated")
	}
}

func TestCredentialDefaults(t *testing.T) {
	cases := []struct{ uri, mech, source string }{
		{"mongodb://u:p@h/db", "", "db"},
		{"mongodb://u:p@h", "", "admin"},
		{"mongodb://u:p@h/db?authMechanism=plain", "PLAIN", "db"},
		{"mongodb://h/?authMechanism=MONGODB-X509", "MONGODB-X509", "$external"},
	}
	for _, c := range cases {
		cs, err := connstring.Parse(c.uri)
		if err != nil {
			t.Fatal(err)
		}
		cred, err := cs.Credential()
		if err != nil || cred == nil || cred.Mechanism != c.mech || cred.Source != c.source {
			t.Errorf("%s: credential %+v, %v", c.uri, cred, err)
		}
	}
	cs, _ := connstring.Parse("mongodb://h/db?authSource=x")
	if cred, err := cs.Credential(); cred != nil || err != nil {
		t.Errorf("authSource alone made a credential: %+v %v", cred, err)
	}
}
