package srv_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/internal/spectest"
	"github.com/torque-go/torque/srv"
)

// skips is this package's one skip list. Every case runs: the DNS answers
// come from the README's zone through fakeDNS. What no case here checks is
// the part that needs a live deployment: "ping", and "hosts"/"numHosts" of
// replica sets (members found by SDAM after connecting).
var skips = spectest.Skips{}

type seedlistCase struct {
	URI           string                     `json:"uri"`
	Seeds         []string                   `json:"seeds"`
	NumSeeds      *int                       `json:"numSeeds"`
	Hosts         []string                   `json:"hosts"`
	NumHosts      *int                       `json:"numHosts"`
	Options       map[string]json.RawMessage `json:"options"`
	ParsedOptions map[string]json.RawMessage `json:"parsed_options"`
	Error         bool                       `json:"error"`
}

func TestInitialDNSSeedlistDiscoverySpec(t *testing.T) {
	dns := newFakeDNS()
	dns.loadZone(testZone)
	root := spectest.Dir(t, "initial-dns-seedlist-discovery", "tests")
	for _, file := range spectest.Files(t, ".json", "initial-dns-seedlist-discovery", "tests") {
		name := spectest.Name(root, file)
		t.Run(name, func(t *testing.T) {
			skips.Check(t, name)
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var tc seedlistCase
			if err := json.Unmarshal(b, &tc); err != nil {
				t.Fatal(err)
			}
			runSeedlistCase(t, dns, filepath.Dir(name), tc)
		})
	}
}

func runSeedlistCase(t *testing.T, dns *fakeDNS, topology string, tc seedlistCase) {
	res, err := resolveURI(dns, tc.URI)
	if tc.Error {
		if err == nil {
			t.Fatalf("resolved %q to %v, want an error", tc.URI, res.Seeds)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if tc.Seeds != nil && !sameHosts(res.Seeds, tc.Seeds) {
		t.Errorf("seeds = %v, want %v", res.Seeds, tc.Seeds)
	}
	if tc.NumSeeds != nil && len(res.Seeds) != *tc.NumSeeds {
		t.Errorf("%d seeds, want %d", len(res.Seeds), *tc.NumSeeds)
	}
	// Behind mongos or a load balancer, SDAM keeps exactly the seeds, so
	// "hosts" is checkable without a server; replica-set members are not.
	if topology != "replica-set" {
		if tc.Hosts != nil && !sameHosts(res.Seeds, tc.Hosts) {
			t.Errorf("hosts = %v, want %v", res.Seeds, tc.Hosts)
		}
		if tc.NumHosts != nil && len(res.Seeds) != *tc.NumHosts {
			t.Errorf("%d hosts, want %d", len(res.Seeds), *tc.NumHosts)
		}
	}
	for name, raw := range tc.Options {
		checkValue(t, "option "+name, optionValue(t, res.ConnString, name), raw)
	}
	for name, raw := range tc.ParsedOptions {
		checkValue(t, "parsed option "+name, parsedValue(t, res.ConnString, name), raw)
	}
}

func resolveURI(dns srv.Resolver, uri string) (*srv.Result, error) {
	cs, err := connstring.Parse(uri)
	if err != nil {
		return nil, err
	}
	return srv.Resolve(context.Background(), srv.Config{Resolver: dns}, cs)
}

func sameHosts(got, want []string) bool {
	g := append([]string(nil), got...)
	w := append([]string(nil), want...)
	sort.Strings(g)
	sort.Strings(w)
	return strings.Join(g, ",") == strings.Join(w, ",")
}

func checkValue(t *testing.T, what string, got any, raw json.RawMessage) {
	t.Helper()
	var want any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("%s = %s, want %s", what, gb, wb)
	}
}

func optionValue(t *testing.T, cs *connstring.ConnString, name string) any {
	t.Helper()
	switch strings.ToLower(name) {
	case "ssl", "tls":
		return derefBool(cs.TLS)
	case "loadbalanced":
		return derefBool(cs.LoadBalanced)
	case "directconnection":
		return derefBool(cs.DirectConnection)
	case "replicaset":
		return cs.ReplicaSet
	case "authsource":
		return cs.AuthSource
	case "srvservicename":
		return cs.SRVServiceName
	case "srvmaxhosts":
		if cs.SRVMaxHosts == nil {
			return nil
		}
		return *cs.SRVMaxHosts
	}
	t.Fatalf("the runner has no getter for option %q", name)
	return nil
}

func parsedValue(t *testing.T, cs *connstring.ConnString, name string) any {
	t.Helper()
	switch name {
	case "user":
		return cs.Username
	case "password":
		return cs.Password
	case "db", "auth_database", "defaultDatabase":
		return cs.Database
	}
	t.Fatalf("the runner has no getter for parsed option %q", name)
	return nil
}

func derefBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
