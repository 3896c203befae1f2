package topology

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
)

// parseTestURI reads the few connection-string features the SDAM spec
// tests use: hosts, replicaSet, directConnection and loadBalanced. (The
// real parser belongs to package connstring.)
func parseTestURI(t *testing.T, uri string) Config {
	t.Helper()
	rest, ok := strings.CutPrefix(uri, "mongodb://")
	if !ok {
		t.Fatalf("unsupported test URI %q", uri)
	}
	hosts, query, _ := strings.Cut(rest, "?")
	hosts = strings.TrimSuffix(hosts, "/")
	var cfg Config
	for _, h := range strings.Split(hosts, ",") {
		cfg.Seeds = append(cfg.Seeds, NewAddress(h))
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatalf("test URI %q: %v", uri, err)
	}
	cfg.SetName = q.Get("replicaSet")
	cfg.Direct = q.Get("directConnection") == "true"
	cfg.LoadBalanced = q.Get("loadBalanced") == "true"
	return cfg
}

// extValue converts one Extended JSON value (for example {"$oid": ...} or
// {"$numberLong": "1"}) to a bson.RawValue through package bson's parser.
func extValue(t *testing.T, v json.RawMessage) bson.RawValue {
	t.Helper()
	doc, err := bson.ExtJSONToRaw([]byte(`{"v":` + string(v) + `}`))
	if err != nil {
		t.Fatalf("extended JSON %s: %v", v, err)
	}
	return doc.Lookup("v")
}

// present reports whether a JSON field was in the file (null counts).
func present(v json.RawMessage) bool { return len(v) > 0 }

// isNull reports whether a present JSON field is null.
func isNull(v json.RawMessage) bool { return string(v) == "null" }
