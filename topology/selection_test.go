package topology

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The Max Staleness spec's worked example: heartbeat 10s, primary checked
// at 60s with lastWriteDate 10s, secondary at 70s with 5s: 25s stale.
func TestStalenessWithPrimary(t *testing.T) {
	at := func(s int) time.Time { return time.Unix(int64(s), 0) }
	p := ServerDescription{Addr: "p:27017", Type: RSPrimary, LastUpdateTime: at(60), LastWriteDate: at(10)}
	s := ServerDescription{Addr: "s:27017", Type: RSSecondary, LastUpdateTime: at(70), LastWriteDate: at(5)}
	if got := staleness(&s, &p, nil, 10*time.Second); got != 25*time.Second {
		t.Fatalf("staleness %v, want 25s", got)
	}
	td := TopologyDescription{Type: ReplicaSetWithPrimary, Servers: []ServerDescription{p, s}}
	for max, want := range map[time.Duration]int{25 * time.Second: 2, 24 * time.Second: 1} {
		got := filterStale(td.Servers, pointers(td.Servers), max, 10*time.Second)
		if len(got) != want {
			t.Errorf("max %v kept %d servers, want %d", max, len(got), want)
		}
	}
}

// The spec's example without a primary: S1 wrote at 20s, S2 at 5s.
func TestStalenessWithoutPrimary(t *testing.T) {
	s1 := ServerDescription{Addr: "s1:27017", Type: RSSecondary, LastWriteDate: time.Unix(20, 0)}
	s2 := ServerDescription{Addr: "s2:27017", Type: RSSecondary, LastWriteDate: time.Unix(5, 0)}
	if got := staleness(&s2, nil, &s1, 10*time.Second); got != 25*time.Second {
		t.Fatalf("S2 staleness %v, want 25s", got)
	}
	if got := staleness(&s1, nil, &s1, 10*time.Second); got != 10*time.Second {
		t.Fatalf("SMax staleness %v, want the heartbeat", got)
	}
}

func TestMaxStalenessValidation(t *testing.T) {
	rs := TopologyDescription{Type: ReplicaSetNoPrimary, Servers: []ServerDescription{{Addr: "a:27017", Type: RSSecondary}}}
	cases := []struct {
		rp        ReadPref
		heartbeat time.Duration
		want      string
	}{
		{ReadPref{Mode: Primary, MaxStaleness: 120 * time.Second}, 0, "mode primary"},
		{ReadPref{Mode: Primary, TagSets: []TagSet{{{"dc", "ny"}}}}, 0, "tag sets"},
		{ReadPref{Mode: Secondary, MaxStaleness: 89 * time.Second}, 0, "at least 90"},
		{ReadPref{Mode: Secondary, MaxStaleness: 100 * time.Second}, 95 * time.Second, "heartbeatFrequencyMS"},
		{ReadPref{Mode: Secondary, MaxStaleness: -2 * time.Second}, 0, "positive"},
		{ReadPref{Mode: Secondary, MaxStaleness: NoMaxStaleness, MaxStalenessSet: true}, 0, ""},
		{ReadPref{Mode: Primary, MaxStaleness: NoMaxStaleness, MaxStalenessSet: true}, 0, ""},
		{ReadPref{Mode: Nearest, MaxStaleness: 0, MaxStalenessSet: true}, 0, "0 is invalid"},
		{ReadPref{Mode: Nearest}, 0, ""},
		{ReadPref{Mode: Nearest, MaxStaleness: 90 * time.Second}, 0, ""},
	}
	for _, c := range cases {
		_, err := Suitable(rs, Criteria{ReadPref: c.rp, HeartbeatFrequency: c.heartbeat})
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: error %v, want %q", c.rp, err, c.want)
		}
	}
	// Outside a replica set the 90s floor does not apply (mongos validates).
	sharded := TopologyDescription{Type: Sharded, Servers: []ServerDescription{{Addr: "m:27017", Type: Mongos}}}
	if s, err := Suitable(sharded, Criteria{ReadPref: ReadPref{Mode: Secondary, MaxStaleness: time.Second}}); err != nil || len(s) != 1 {
		t.Errorf("sharded: %v %v", s, err)
	}
}

func TestSelectIncompatible(t *testing.T) {
	td, _ := New(Config{Seeds: []Address{"a:27017"}})
	td = Apply(td, ServerDescription{Addr: "a:27017", Type: Standalone, MaxWireVersion: 6})
	if _, ok, err := Select(td, Criteria{}, nil, nil); ok || err == nil || !strings.Contains(err.Error(), "requires at least 8") {
		t.Fatalf("Select on an incompatible topology: %v %v", ok, err)
	}
	td = Apply(td, ServerDescription{Addr: "a:27017", Type: Standalone, MinWireVersion: 99, MaxWireVersion: 100})
	if err := td.CompatibilityErr; err == nil || !strings.Contains(err.Error(), "requires wire version 99") {
		t.Fatalf("too new: %v", err)
	}
}

func TestPickPrefersLessBusy(t *testing.T) {
	window := []*ServerDescription{{Addr: "a:27017"}, {Addr: "b:27017"}}
	busy := func(a Address) int {
		if a == "a:27017" {
			return 100
		}
		return 0
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 50; i++ {
		if got := Pick(window, r, busy); got.Addr != "b:27017" {
			t.Fatalf("picked the busy server %s", got.Addr)
		}
	}
	seen := map[Address]bool{}
	for i := 0; i < 100; i++ { // no load information: both get picked
		seen[Pick(window, r, nil).Addr] = true
	}
	if len(seen) != 2 {
		t.Errorf("without in-flight counts picked only %v", seen)
	}
	if got := Pick(nil, r, busy); got != nil {
		t.Errorf("Pick from an empty window = %v, want nil", got)
	}
}

func TestLatencyWindowThreshold(t *testing.T) {
	servers := []*ServerDescription{
		{Addr: "a:27017", RTT: 10 * time.Millisecond},
		{Addr: "b:27017", RTT: 25 * time.Millisecond},
		{Addr: "c:27017", RTT: 26 * time.Millisecond},
	}
	if got := LatencyWindow(servers, 15*time.Millisecond); len(got) != 2 {
		t.Errorf("15ms window kept %d, want a and b", len(got))
	}
	c := Criteria{LocalThreshold: -1}
	if got := LatencyWindow(servers, c.localThreshold()); len(got) != 1 || got[0].Addr != "a:27017" {
		t.Errorf("zero-width window kept %v", got)
	}
}

// pointers returns pointers to the elements of servers.
func pointers(servers []ServerDescription) []*ServerDescription {
	out := make([]*ServerDescription, len(servers))
	for i := range servers {
		out[i] = &servers[i]
	}
	return out
}

// An aggregate with $out or $merge (a Write with a read preference) goes
// by the read preference only when every known server is 5.0+.
func TestWriteStageReadPref(t *testing.T) {
	servers := func(secondaryWire int32) TopologyDescription {
		return TopologyDescription{Type: ReplicaSetWithPrimary, Servers: []ServerDescription{
			{Addr: "p:27017", Type: RSPrimary, MaxWireVersion: 21},
			{Addr: "s:27017", Type: RSSecondary, MaxWireVersion: secondaryWire},
			{Addr: "u:27017", Type: ServerUnknown},
		}}
	}
	c := Criteria{Write: true, WriteStage: true, ReadPref: ReadPref{Mode: Secondary}}
	for wire, want := range map[int32]Address{21: "s:27017", 12: "p:27017"} {
		got, err := Suitable(servers(wire), c)
		if err != nil || len(got) != 1 || got[0].Addr != want {
			t.Errorf("secondary at wire %d: %v %v, want %s", wire, got, err, want)
		}
	}
	if got, _ := Suitable(servers(21), Criteria{Write: true}); len(got) != 1 || got[0].Addr != "p:27017" {
		t.Errorf("a plain write selected %v, want the primary", got)
	}
}
