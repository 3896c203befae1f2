package srv_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/srv"
)

// TestProseShortHostNames runs prose tests 1-4 of the seedlist README:
// SRV names with fewer than three labels are allowed, and what they return
// must add a label under them.
func TestProseShortHostNames(t *testing.T) {
	cases := []struct {
		uri, target string
		ok          bool
	}{
		{"mongodb+srv://localhost", "db1.localhost", true},                    // 1
		{"mongodb+srv://mongo.local", "db1.mongo.local", true},                // 1
		{"mongodb+srv://localhost", "localhost.mongodb", false},               // 2
		{"mongodb+srv://mongo.local", "test_1.evil.local", false},             // 2
		{"mongodb+srv://blogs.mongodb.com", "blogs.evil.com", false},          // 2
		{"mongodb+srv://localhost", "localhost", false},                       // 3
		{"mongodb+srv://mongo.local", "mongo.local", false},                   // 3
		{"mongodb+srv://localhost", "test_1.cluster_1localhost", false},       // 4
		{"mongodb+srv://mongo.local", "test_1.my_hostmongo.local", false},     // 4
		{"mongodb+srv://blogs.mongodb.com", "cluster.testmongodb.com", false}, // 4
		{"mongodb+srv://blogs.mongodb.com", "CLUSTER.MONGODB.COM.", true},     // normalized
	}
	for _, c := range cases {
		cs, err := connstring.Parse(c.uri)
		if err != nil {
			t.Fatalf("%s: %v", c.uri, err)
		}
		dns := newFakeDNS()
		dns.setSRV("_mongodb._tcp."+cs.Hosts[0].Name, c.target+":27017")
		res, err := srv.Resolve(context.Background(), srv.Config{Resolver: dns}, cs)
		if c.ok != (err == nil) {
			t.Errorf("%s -> %s: err = %v, want ok=%v", c.uri, c.target, err, c.ok)
			continue
		}
		if c.ok && res.Seeds[0] != strings.ToLower(strings.TrimSuffix(c.target, "."))+":27017" {
			t.Errorf("%s: seeds %v", c.uri, res.Seeds)
		}
	}
}

func TestResolveDefaultsAndOverrides(t *testing.T) {
	dns := newFakeDNS()
	dns.loadZone(testZone)
	res, err := resolveURI(dns, "mongodb+srv://test5.test.build.10gen.cc/?authSource=mine")
	if err != nil {
		t.Fatal(err)
	}
	cs := res.ConnString
	if cs.AuthSource != "mine" || cs.ReplicaSet != "repl0" || cs.TLS == nil || !*cs.TLS {
		t.Errorf("merged options: authSource=%q replicaSet=%q tls=%v", cs.AuthSource, cs.ReplicaSet, cs.TLS)
	}
	if cs.Hosts[0].Name != "test5.test.build.10gen.cc" {
		t.Errorf("the result lost the SRV name: %v", cs.Hosts)
	}
	orig, _ := connstring.Parse("mongodb+srv://test5.test.build.10gen.cc/")
	if _, err := srv.Resolve(context.Background(), srv.Config{Resolver: dns}, orig); err != nil || orig.ReplicaSet != "" || orig.TLS != nil {
		t.Errorf("Resolve modified its input: %v %q %v", err, orig.ReplicaSet, orig.TLS)
	}
}

func TestResolveErrors(t *testing.T) {
	dns := newFakeDNS()
	dns.loadZone(testZone)
	plain, _ := connstring.Parse("mongodb://a.example.com")
	if _, err := srv.Resolve(context.Background(), srv.Config{Resolver: dns}, plain); err == nil {
		t.Error("Resolve accepted a mongodb:// string")
	}
	dns.fail = errors.New("resolver exploded")
	_, err := resolveURI(dns, "mongodb+srv://test1.test.build.10gen.cc")
	var e *srv.Error
	if !errors.As(err, &e) || !strings.Contains(e.Name, "_mongodb._tcp.test1.test.build.10gen.cc") || !errors.Is(err, dns.fail) {
		t.Errorf("err = %v, want an *srv.Error naming the query and wrapping the cause", err)
	}
	dns.fail = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cs, _ := connstring.Parse("mongodb+srv://test1.test.build.10gen.cc")
	if _, err := srv.Resolve(ctx, srv.Config{Resolver: dns}, cs); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func TestSRVMaxHostsPicksRandomSubset(t *testing.T) {
	dns := newFakeDNS()
	all := []string{"a.x.example.com:1", "b.x.example.com:2", "c.x.example.com:3", "d.x.example.com:4"}
	dns.setSRV("_mongodb._tcp.x.example.com", all...)
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		res, err := resolveURI(dns, "mongodb+srv://x.example.com/?srvMaxHosts=2")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Seeds) != 2 || res.Seeds[0] == res.Seeds[1] {
			t.Fatalf("seeds = %v", res.Seeds)
		}
		for _, s := range res.Seeds {
			if !contains(all, s) {
				t.Fatalf("seed %s not among the records", s)
			}
			seen[s] = true
		}
	}
	if len(seen) != len(all) {
		t.Errorf("200 draws of 2 out of 4 only ever chose %v", seen)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestDefaultResolverIsNetResolver(t *testing.T) {
	if r, ok := srv.DefaultResolver.(*net.Resolver); !ok || r != net.DefaultResolver {
		t.Errorf("DefaultResolver = %T", srv.DefaultResolver)
	}
}

// TestProseVerifyHost runs prose tests 5-8 of the seedlist README with
// Config.VerifyHost in the srvHostValidator role.
func TestProseVerifyHost(t *testing.T) {
	resolve := func(uri, target string, verify func(string) (bool, error)) (*srv.Result, error) {
		cs, err := connstring.Parse(uri)
		if err != nil {
			t.Fatal(err)
		}
		dns := newFakeDNS()
		dns.setSRV("_mongodb._tcp."+cs.Hosts[0].Name, target+":27017")
		return srv.Resolve(context.Background(), srv.Config{Resolver: dns, VerifyHost: verify}, cs)
	}
	yes := func(string) (bool, error) { return true, nil }
	// 5: accepting replaces the default check.
	for _, c := range [][2]string{{"mongodb+srv://blogs.mongodb.com", "blogs.evil.com"}, {"mongodb+srv://mongo.local", "mongo.local"}} {
		res, err := resolve(c[0], c[1], yes)
		if err != nil || res.Seeds[0] != c[1]+":27017" {
			t.Errorf("5: %s -> %s: %v %v", c[0], c[1], res, err)
		}
	}
	// 6: rejecting wins over the default check.
	if _, err := resolve("mongodb+srv://blogs.mongodb.com", "cluster.mongodb.com", func(string) (bool, error) { return false, nil }); err == nil {
		t.Error("6: a rejected host was accepted")
	}
	// 7: the validator sees the normalized name.
	var seen []string
	if _, err := resolve("mongodb+srv://blogs.mongodb.com", "CLUSTER.MONGODB.COM.", func(h string) (bool, error) {
		seen = append(seen, h)
		return true, nil
	}); err != nil || len(seen) != 1 || seen[0] != "cluster.mongodb.com" {
		t.Errorf("7: validator saw %q (err %v)", seen, err)
	}
	// 8: the validator's error is wrapped, not lost.
	boom := errors.New("validator failed")
	_, err := resolve("mongodb+srv://blogs.mongodb.com", "cluster.mongodb.com", func(string) (bool, error) { return false, boom })
	var e *srv.Error
	if !errors.Is(err, boom) || !errors.As(err, &e) {
		t.Errorf("8: err = %v, want an *srv.Error wrapping the validator's", err)
	}
}
