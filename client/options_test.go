package client

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/topology"
)

func TestParseURI(t *testing.T) {
	o, err := ParseURI("mongodb://u:pa55w0rd@a:1,b/?replicaSet=rs&readPreference=secondaryPreferred&readPreferenceTags=dc:ny" +
		"&w=majority&journal=true&wtimeoutMS=500&retryWrites=false&timeoutMS=2000&appname=app&maxPoolSize=0&serverSelectionTimeoutMS=0")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Hosts) != 2 || o.Hosts[0] != "a:1" || o.Hosts[1] != "b:27017" {
		t.Errorf("hosts %v", o.Hosts)
	}
	if o.ReplicaSet != "rs" || o.AppName != "app" || o.Timeout != 2*time.Second {
		t.Errorf("options %+v", o)
	}
	if o.ReadPreference.Mode != topology.SecondaryPreferred || len(o.ReadPreference.TagSets) != 1 || o.ReadPreference.TagSets[0][0].Value != "ny" {
		t.Errorf("read preference %+v", o.ReadPreference)
	}
	if o.WriteConcern.W != "majority" || o.WriteConcern.Journal == nil || !*o.WriteConcern.Journal || o.WriteConcern.WTimeout != 500*time.Millisecond {
		t.Errorf("write concern %+v", o.WriteConcern)
	}
	if o.RetryWrites == nil || *o.RetryWrites || o.RetryReads != nil {
		t.Errorf("retryWrites %v, retryReads %v", o.RetryWrites, o.RetryReads)
	}
	if o.Auth == nil || o.Auth.Username != "u" || o.Auth.Source != "admin" {
		t.Errorf("credential %+v", o.Auth)
	}
	if o.MaxPoolSize >= 0 || o.ServerSelectionTimeout >= 0 {
		t.Errorf("maxPoolSize=0 and serverSelectionTimeoutMS=0 must stay distinct from the defaults: %d, %v", o.MaxPoolSize, o.ServerSelectionTimeout)
	}
}

func TestParseURIErrorsHideThePassword(t *testing.T) {
	for _, uri := range []string{
		"mongodb://u:s3cr3t-pw@/",
		"mongodb://u:s3cr3t-pw@a/?readPreference=primary&readPreferenceTags=dc:ny",
		"mongodb+srv://u:s3cr3t-pw@cluster.example.com:27017/",
	} {
		_, err := ParseURI(uri)
		if err == nil {
			t.Errorf("%s: no error", uri)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestOptionsMerge(t *testing.T) {
	base, err := ParseURI("mongodb://a/?appname=uri&retryReads=false&w=2")
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	m := base.merge(Options{AppName: "given", RetryReads: &yes, Timeout: time.Second})
	if m.AppName != "given" || !*m.RetryReads || m.Timeout != time.Second {
		t.Errorf("given options did not win: %+v", m)
	}
	if m.WriteConcern.W != "2" || len(m.Hosts) != 1 {
		t.Errorf("URI options lost: %+v", m)
	}
}

func TestConnectValidatesWithoutIO(t *testing.T) {
	ctx := context.Background()
	for name, o := range map[string]Options{
		"no hosts":          {},
		"direct with two":   {Hosts: []string{"a", "b"}, Direct: true},
		"primary with tags": {Hosts: []string{"a"}, ReadPreference: ReadPref{TagSets: []topology.TagSet{{{Key: "a", Value: "b"}}}}},
	} {
		if c, err := Connect(ctx, "", o); err == nil {
			_ = c.Disconnect(ctx)
			t.Errorf("%s: Connect accepted %+v", name, o)
		}
	}
	if _, err := Connect(ctx, "", Options{Hosts: []string{"a"}}, Options{}); err == nil {
		t.Error("two Options accepted")
	}
	// An unreachable host: Connect still succeeds (no I/O) and the first
	// operation fails within its server selection timeout.
	c, err := Connect(ctx, "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=200")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(ctx)
	start := time.Now()
	if err := c.Ping(ctx); err == nil {
		t.Error("Ping of a closed port succeeded")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Ping took %v with a 300ms selection timeout", d)
	}
}
