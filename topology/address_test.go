package topology

import "testing"

func TestNewAddress(t *testing.T) {
	for in, want := range map[string]Address{
		"A":                       "a:27017",
		"Example.COM:27018":       "example.com:27018",
		"[::1]":                   "[::1]:27017",
		"[::1]:27019":             "[::1]:27019",
		"::1":                     "[::1]:27017",
		"/tmp/mongodb-27017.sock": "/tmp/mongodb-27017.sock",
	} {
		if got := NewAddress(in); got != want {
			t.Errorf("NewAddress(%q) = %q, want %q", in, got, want)
		}
	}
	host, port, err := NewAddress("[::1]:27019").HostPort()
	if err != nil || host != "::1" || port != "27019" {
		t.Errorf("HostPort = %q %q %v", host, port, err)
	}
}

func TestTypeNames(t *testing.T) {
	for st := ServerUnknown; st <= LoadBalancer; st++ {
		if back, ok := ParseServerType(st.String()); !ok || back != st {
			t.Errorf("ServerType %d round trip gave %v %v", st, back, ok)
		}
	}
	for tt := TopologyUnknown; tt <= LoadBalanced; tt++ {
		if back, ok := ParseTopologyType(tt.String()); !ok || back != tt {
			t.Errorf("TopologyType %d round trip gave %v %v", tt, back, ok)
		}
	}
	if ServerType(99).String() != "ServerType(99)" || Mode(9).String() != "Mode(9)" {
		t.Error("out-of-range names")
	}
}
