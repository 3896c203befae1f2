package srv

import (
	"strings"
	"testing"

	"github.com/torque-go/torque/connstring"
)

func TestParseTXT(t *testing.T) {
	cases := []struct {
		record string
		ok     bool
	}{
		{"replicaSet=rs0&authSource=admin&loadBalanced=false", true},
		{"REPLICASET=rs0", true},
		{"authSource=a%24b", true},
		{"authSource", false},
		{"ssl=false", false},
		{"tls=true", false},
		{"socketTimeoutMS=500", false},
		{"authSource=%zz", false},
		{"authSource=", false},
	}
	for _, c := range cases {
		_, err := parseTXT("x.example.com", c.record)
		if (err == nil) != c.ok {
			t.Errorf("parseTXT(%q) = %v, want ok=%v", c.record, err, c.ok)
		}
	}
	opts, _ := parseTXT("x", "authSource=a%24b&loadBalanced=maybe")
	cs := &connstring.ConnString{ReplicaSet: "mine"}
	opts.applyTo(cs)
	if cs.AuthSource != "a$b" || cs.LoadBalanced != nil || len(cs.Warnings) != 1 || cs.ReplicaSet != "mine" {
		t.Errorf("applied: %+v", cs)
	}
}

func FuzzParseTXT(f *testing.F) {
	f.Add("replicaSet=rs0&authSource=admin")
	f.Add("loadBalanced=true&&")
	f.Fuzz(func(t *testing.T, record string) {
		opts, err := parseTXT("x.example.com", record)
		if err == nil {
			cs := &connstring.ConnString{}
			opts.applyTo(cs)
			if cs.AuthSource != "" && !strings.Contains(strings.ToLower(record), "authsource=") {
				t.Fatalf("authSource %q from %q", cs.AuthSource, record)
			}
		}
	})
}

func TestUpdateKeepsExistingHosts(t *testing.T) {
	next := update([]string{"a:1", "b:1", "gone:1"}, []string{"c:1", "b:1", "a:1", "d:1"}, 3)
	if len(next) != 3 || next[0] != "a:1" || next[1] != "b:1" || (next[2] != "c:1" && next[2] != "d:1") {
		t.Errorf("update = %v", next)
	}
	if all := update(nil, []string{"a:1", "b:1"}, 0); len(all) != 2 {
		t.Errorf("srvMaxHosts=0 kept %v", all)
	}
}

func TestDomainOf(t *testing.T) {
	for in, want := range map[string]string{
		"localhost": "localhost", "mongo.local": "mongo.local",
		"cluster0.example.com": "example.com", "a.b.c.d": "b.c.d",
	} {
		if got := domainOf(in); got != want {
			t.Errorf("domainOf(%q) = %q, want %q", in, got, want)
		}
	}
}
