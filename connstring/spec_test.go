package connstring_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/internal/spectest"
)

// skips is the one skip list of this package's spec runners.
var skips = spectest.Skips{
	"connection-string.json/should use username and password if specified (MONGODB-AWS)": "contradicts " +
		"'should throw an exception if username and password provided (MONGODB-AWS)' in the same file: the auth " +
		"spec removed AWS credentials from the connection string, and torque follows the newer rule",
	"connection-string.json/should use username, password and session token if specified (MONGODB-AWS)": "same " +
		"contradiction: AWS credentials (and AWS_SESSION_TOKEN) may no longer come from the connection string",
}

type uriCase struct {
	Description string                     `json:"description"`
	URI         string                     `json:"uri"`
	Valid       bool                       `json:"valid"`
	Warning     *bool                      `json:"warning"`
	Hosts       []map[string]any           `json:"hosts"`
	Auth        map[string]any             `json:"auth"`
	Options     map[string]json.RawMessage `json:"options"`
	Credential  json.RawMessage            `json:"credential"`
}

func loadCases(t *testing.T, file string) []uriCase {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Tests []uriCase }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(doc.Tests) == 0 {
		t.Fatalf("%s: no tests", file)
	}
	return doc.Tests
}

func TestConnectionStringSpec(t *testing.T) { runURISuite(t, "connection-string", "tests") }
func TestURIOptionsSpec(t *testing.T)       { runURISuite(t, "uri-options", "tests") }

func runURISuite(t *testing.T, suite ...string) {
	runCases(t, spectest.Files(t, ".json", suite...), runURICase)
}

// runCases runs each case of files as a subtest named "file/description",
// unless the skip list names it.
func runCases(t *testing.T, files []string, run func(*testing.T, uriCase)) {
	for _, file := range files {
		for _, tc := range loadCases(t, file) {
			name := filepath.Base(file) + "/" + tc.Description
			t.Run(name, func(t *testing.T) {
				skips.Check(t, name)
				run(t, tc)
			})
		}
	}
}

func runURICase(t *testing.T, tc uriCase) {
	cs, err := connstring.Parse(tc.URI)
	if !tc.Valid {
		if err == nil {
			t.Fatalf("Parse(%q) succeeded, want an error", tc.URI)
		}
		return
	}
	if err != nil {
		t.Fatalf("Parse(%q): %v", tc.URI, err)
	}
	if tc.Warning != nil && *tc.Warning != (len(cs.Warnings) > 0) {
		t.Errorf("warning = %v, want %v (warnings: %q)", len(cs.Warnings) > 0, *tc.Warning, cs.Warnings)
	}
	checkHosts(t, cs, tc.Hosts)
	checkAuth(t, cs, tc.Auth)
	checkOptions(t, cs, tc.Options)
}

func checkHosts(t *testing.T, cs *connstring.ConnString, want []map[string]any) {
	t.Helper()
	if want == nil {
		return
	}
	if len(cs.Hosts) != len(want) {
		t.Fatalf("hosts = %+v, want %v", cs.Hosts, want)
	}
	for i, w := range want {
		h := cs.Hosts[i]
		port, _ := w["port"].(float64)
		if h.Kind.String() != w["type"] || h.Name != w["host"] || h.Port != int(port) {
			t.Errorf("host %d = %s %q %d, want %v", i, h.Kind, h.Name, h.Port, w)
		}
	}
}

func checkAuth(t *testing.T, cs *connstring.ConnString, want map[string]any) {
	t.Helper()
	if want == nil {
		return
	}
	if u, ok := want["username"].(string); ok && cs.Username != u || want["username"] == nil && cs.Username != "" {
		t.Errorf("username = %q, want %v", cs.Username, want["username"])
	}
	if p, ok := want["password"].(string); ok && (cs.Password != p || !cs.PasswordSet) {
		t.Errorf("password differs from the expected one (set=%v)", cs.PasswordSet)
	}
	if want["password"] == nil && cs.PasswordSet {
		t.Errorf("password set, want none")
	}
	if db, ok := want["db"].(string); ok && cs.Database != db || want["db"] == nil && cs.Database != "" {
		t.Errorf("db = %q, want %v", cs.Database, want["db"])
	}
}

func checkOptions(t *testing.T, cs *connstring.ConnString, want map[string]json.RawMessage) {
	t.Helper()
	for name, raw := range want {
		get, ok := optionGetters[strings.ToLower(name)]
		if !ok {
			t.Errorf("the runner has no getter for option %q", name)
			continue
		}
		if got := jsonOf(t, get(cs)); got != normalize(t, raw) {
			t.Errorf("option %s = %s, want %s", name, got, raw)
		}
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// normalize re-encodes JSON so that map keys are sorted.
func normalize(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return jsonOf(t, v)
}

func ms(d *time.Duration) any {
	if d == nil {
		return nil
	}
	return d.Milliseconds()
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// optionGetters maps each option name of the corpora (lower-cased) to the
// ConnString field that holds it, in the corpora's JSON shape.
var optionGetters = map[string]func(*connstring.ConnString) any{
	"appname":                 func(c *connstring.ConnString) any { return str(c.AppName) },
	"authmechanism":           func(c *connstring.ConnString) any { return str(c.AuthMechanism) },
	"authmechanismproperties": func(c *connstring.ConnString) any { return c.AuthMechanismProperties },
	"authsource":              func(c *connstring.ConnString) any { return str(c.AuthSource) },
	"compressors":             func(c *connstring.ConnString) any { return c.Compressors },
	"connecttimeoutms":        func(c *connstring.ConnString) any { return ms(c.ConnectTimeout) },
	"directconnection":        func(c *connstring.ConnString) any { return deref(c.DirectConnection) },
	"heartbeatfrequencyms": func(c *connstring.ConnString) any {
		if c.HeartbeatFrequency == 0 {
			return nil
		}
		return c.HeartbeatFrequency.Milliseconds()
	},
	"journal":                   func(c *connstring.ConnString) any { return deref(c.Journal) },
	"loadbalanced":              func(c *connstring.ConnString) any { return deref(c.LoadBalanced) },
	"localthresholdms":          func(c *connstring.ConnString) any { return ms(c.LocalThreshold) },
	"maxadaptiveretries":        func(c *connstring.ConnString) any { return deref(c.MaxAdaptiveRetries) },
	"enableoverloadretargeting": func(c *connstring.ConnString) any { return deref(c.EnableOverloadRetargeting) },
	"maxconnecting":             func(c *connstring.ConnString) any { return c.MaxConnecting },
	"maxidletimems":             func(c *connstring.ConnString) any { return ms(c.MaxIdleTime) },
	"maxpoolsize":               func(c *connstring.ConnString) any { return deref(c.MaxPoolSize) },
	"maxstalenessseconds": func(c *connstring.ConnString) any {
		if c.MaxStaleness == nil {
			return nil
		}
		return int64(*c.MaxStaleness / time.Second)
	},
	"minpoolsize":              func(c *connstring.ConnString) any { return deref(c.MinPoolSize) },
	"proxyhost":                func(c *connstring.ConnString) any { return str(c.ProxyHost) },
	"proxyport":                func(c *connstring.ConnString) any { return deref(c.ProxyPort) },
	"proxyusername":            func(c *connstring.ConnString) any { return str(c.ProxyUsername) },
	"proxypassword":            func(c *connstring.ConnString) any { return str(c.ProxyPassword) },
	"readconcernlevel":         func(c *connstring.ConnString) any { return str(c.ReadConcernLevel) },
	"readpreference":           func(c *connstring.ConnString) any { return str(c.ReadPreference) },
	"readpreferencetags":       func(c *connstring.ConnString) any { return c.ReadPreferenceTags },
	"replicaset":               func(c *connstring.ConnString) any { return str(c.ReplicaSet) },
	"retryreads":               func(c *connstring.ConnString) any { return deref(c.RetryReads) },
	"retrywrites":              func(c *connstring.ConnString) any { return deref(c.RetryWrites) },
	"servermonitoringmode":     func(c *connstring.ConnString) any { return str(c.ServerMonitoringMode) },
	"serverselectiontimeoutms": func(c *connstring.ConnString) any { return ms(c.ServerSelectionTimeout) },
	"serverselectiontryonce":   func(c *connstring.ConnString) any { return deref(c.ServerSelectionTryOnce) },
	"sockettimeoutms":          func(c *connstring.ConnString) any { return ms(c.SocketTimeout) },
	"srvmaxhosts":              func(c *connstring.ConnString) any { return deref(c.SRVMaxHosts) },
	"srvservicename":           func(c *connstring.ConnString) any { return str(c.SRVServiceName) },
	"timeoutms":                func(c *connstring.ConnString) any { return ms(c.Timeout) },
	"tls":                      func(c *connstring.ConnString) any { return deref(c.TLS) },
	"ssl":                      func(c *connstring.ConnString) any { return deref(c.TLS) },
	"tlsallowinvalidcertificates": func(c *connstring.ConnString) any {
		return deref(c.TLSAllowInvalidCertificates)
	},
	"tlsallowinvalidhostnames":      func(c *connstring.ConnString) any { return deref(c.TLSAllowInvalidHostnames) },
	"tlscafile":                     func(c *connstring.ConnString) any { return str(c.TLSCAFile) },
	"tlscertificatekeyfile":         func(c *connstring.ConnString) any { return str(c.TLSCertificateKeyFile) },
	"tlscertificatekeyfilepassword": func(c *connstring.ConnString) any { return str(c.TLSCertificateKeyFilePassword) },
	"tlsdisablecertificaterevocationcheck": func(c *connstring.ConnString) any {
		return deref(c.TLSDisableCertificateRevocationCheck)
	},
	"tlsdisableocspendpointcheck": func(c *connstring.ConnString) any { return deref(c.TLSDisableOCSPEndpointCheck) },
	"tlsinsecure":                 func(c *connstring.ConnString) any { return deref(c.TLSInsecure) },
	"w": func(c *connstring.ConnString) any {
		if n, err := strconv.Atoi(c.W); err == nil {
			return n
		}
		return str(c.W)
	},
	"waitqueuetimeoutms":   func(c *connstring.ConnString) any { return ms(c.WaitQueueTimeout) },
	"wtimeoutms":           func(c *connstring.ConnString) any { return ms(c.WTimeout) },
	"zlibcompressionlevel": func(c *connstring.ConnString) any { return deref(c.ZlibCompressionLevel) },
}

// TestAuthSpecConnectionStrings runs the auth spec's legacy
// connection-string cases: Parse must accept or reject each URI, and the
// effective credential must match.
func TestAuthSpecConnectionStrings(t *testing.T) {
	runCases(t, spectest.Files(t, "connection-string.json", "auth", "tests", "legacy"), runAuthCase)
}

func runAuthCase(t *testing.T, tc uriCase) {
	cs, err := connstring.Parse(tc.URI)
	if !tc.Valid {
		if err == nil {
			t.Fatalf("Parse(%q) succeeded, want an error", tc.URI)
		}
		return
	}
	if err != nil {
		t.Fatalf("Parse(%q): %v", tc.URI, err)
	}
	cred, err := cs.Credential()
	if err != nil {
		t.Fatal(err)
	}
	var want *struct {
		Username   *string           `json:"username"`
		Password   *string           `json:"password"`
		Source     string            `json:"source"`
		Mechanism  *string           `json:"mechanism"`
		Properties map[string]string `json:"mechanism_properties"`
	}
	if len(tc.Credential) > 0 {
		if err := json.Unmarshal(tc.Credential, &want); err != nil {
			t.Fatal(err)
		}
	}
	if want == nil {
		if cred != nil {
			t.Fatalf("credential = %+v, want none", *cred)
		}
		return
	}
	if cred == nil {
		t.Fatal("no credential, want one")
	}
	if got, w := cred.Username, deref(want.Username); str(got) != w {
		t.Errorf("username = %q, want %v", got, w)
	}
	if want.Password == nil && cred.PasswordSet || want.Password != nil && (!cred.PasswordSet || *want.Password != cred.Password) {
		t.Errorf("password differs from the expected one (set=%v)", cred.PasswordSet)
	}
	if cred.Source != want.Source {
		t.Errorf("source = %q, want %q", cred.Source, want.Source)
	}
	if got, w := str(cred.Mechanism), deref(want.Mechanism); got != w {
		t.Errorf("mechanism = %v, want %v", got, w)
	}
	if jsonOf(t, cred.Props) != jsonOf(t, want.Properties) {
		t.Errorf("properties = %v, want %v", cred.Props, want.Properties)
	}
}
