package topology

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/spectest"
)

// selectionSkips is the one skip list of the server-selection runners.
var selectionSkips = spectest.Skips{
	"logging/*": "unified-format logging tests need the unified runner and a live deployment",
}

type selectionFile struct {
	TopologyDescription struct {
		Type    string            `json:"type"`
		Servers []selectionServer `json:"servers"`
	} `json:"topology_description"`
	Operation            string             `json:"operation"`
	ReadPreference       *selectionReadPref `json:"read_preference"`
	HeartbeatFrequencyMS *int64             `json:"heartbeatFrequencyMS"`
	Deprioritized        []selectionServer  `json:"deprioritized_servers"`
	SuitableServers      []selectionServer  `json:"suitable_servers"`
	InLatencyWindow      []selectionServer  `json:"in_latency_window"`
	Error                bool               `json:"error"`

	// in_window tests
	MockedTopologyState []struct {
		Address        string `json:"address"`
		OperationCount int    `json:"operation_count"`
	} `json:"mocked_topology_state"`
	Iterations int `json:"iterations"`
	Outcome    struct {
		Tolerance           float64            `json:"tolerance"`
		ExpectedFrequencies map[string]float64 `json:"expected_frequencies"`
	} `json:"outcome"`
}

type selectionServer struct {
	Address        string            `json:"address"`
	AvgRTTMS       float64           `json:"avg_rtt_ms"`
	Type           string            `json:"type"`
	Tags           map[string]string `json:"tags"`
	LastUpdateTime int64             `json:"lastUpdateTime"`
	LastWrite      *struct {
		LastWriteDate json.RawMessage `json:"lastWriteDate"`
	} `json:"lastWrite"`
	MaxWireVersion *int32 `json:"maxWireVersion"`
}

type selectionReadPref struct {
	Mode                string              `json:"mode"`
	TagSets             []map[string]string `json:"tag_sets"`
	MaxStalenessSeconds *float64            `json:"maxStalenessSeconds"` // may be fractional (10.4)
}

func msDuration(ms float64) time.Duration {
	return time.Duration(math.Round(ms * float64(time.Millisecond)))
}

// topologyOf builds the TopologyDescription a selection test describes.
func (f *selectionFile) topologyOf(t *testing.T) TopologyDescription {
	t.Helper()
	typ, ok := ParseTopologyType(f.TopologyDescription.Type)
	if !ok {
		t.Fatalf("unknown topology type %q", f.TopologyDescription.Type)
	}
	td := TopologyDescription{Type: typ}
	for _, s := range f.TopologyDescription.Servers {
		td.Servers = addServer(td.Servers, s.description(t))
	}
	return td
}

func (s selectionServer) description(t *testing.T) ServerDescription {
	t.Helper()
	st, ok := ParseServerType(s.Type)
	if !ok {
		t.Fatalf("unknown server type %q", s.Type)
	}
	sd := ServerDescription{
		Addr: NewAddress(s.Address), Type: st, RTT: msDuration(s.AvgRTTMS), Tags: s.Tags,
		LastUpdateTime: time.UnixMilli(s.LastUpdateTime),
		MaxWireVersion: 21,
	}
	if s.MaxWireVersion != nil {
		sd.MaxWireVersion = *s.MaxWireVersion
	}
	if s.LastWrite != nil {
		ms, ok := extValue(t, s.LastWrite.LastWriteDate).AsInt64()
		if !ok {
			t.Fatalf("lastWriteDate %s is not an integer", s.LastWrite.LastWriteDate)
		}
		sd.LastWriteDate = time.UnixMilli(ms)
	}
	return sd
}

// criteria builds the selection criteria a test describes.
func (f *selectionFile) criteria(t *testing.T) Criteria {
	t.Helper()
	c := Criteria{Write: f.Operation == "write"}
	if f.HeartbeatFrequencyMS != nil {
		c.HeartbeatFrequency = time.Duration(*f.HeartbeatFrequencyMS) * time.Millisecond
	}
	if rp := f.ReadPreference; rp != nil {
		if rp.Mode != "" {
			m, ok := ParseMode(rp.Mode)
			if !ok {
				t.Fatalf("unknown mode %q", rp.Mode)
			}
			c.ReadPref.Mode = m
		}
		for _, ts := range rp.TagSets {
			set := TagSet{}
			for k, v := range ts {
				set = append(set, Tag{Key: k, Value: v})
			}
			c.ReadPref.TagSets = append(c.ReadPref.TagSets, set)
		}
		if rp.MaxStalenessSeconds != nil {
			c.ReadPref.MaxStaleness = time.Duration(*rp.MaxStalenessSeconds * float64(time.Second))
			c.ReadPref.MaxStalenessSet = true
		}
	}
	for _, d := range f.Deprioritized {
		c.Deprioritized = append(c.Deprioritized, NewAddress(d.Address))
	}
	return c
}

func addrSet(servers []selectionServer) []Address {
	out := []Address{}
	for _, s := range servers {
		out = append(out, NewAddress(s.Address))
	}
	slices.Sort(out)
	return out
}

func sortedAddrs(servers []*ServerDescription) []Address {
	out := []Address{}
	for _, s := range servers {
		out = append(out, s.Addr)
	}
	slices.Sort(out)
	return out
}

func readSelectionFile(t *testing.T, file string) selectionFile {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var f selectionFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decoding %s: %v", file, err)
	}
	return f
}

// runSelectionFile checks Suitable and the latency window against a
// server_selection or max-staleness test.
func runSelectionFile(t *testing.T, f selectionFile) {
	td := f.topologyOf(t)
	c := f.criteria(t)
	suitable, err := Suitable(td, c)
	if f.Error {
		if err == nil {
			t.Fatalf("Suitable: no error, want one (suitable %v)", sortedAddrs(suitable))
		}
		return
	}
	if err != nil {
		t.Fatalf("Suitable: %v", err)
	}
	if got, want := sortedAddrs(suitable), addrSet(f.SuitableServers); !slices.Equal(got, want) {
		t.Errorf("suitable servers %v, want %v", got, want)
	}
	window := LatencyWindow(suitable, DefaultLocalThreshold)
	if got, want := sortedAddrs(window), addrSet(f.InLatencyWindow); !slices.Equal(got, want) {
		t.Errorf("in latency window %v, want %v", got, want)
	}
	// Select must pick from the window, or report that nothing is suitable.
	sd, ok, err := Select(td, c, rand.New(rand.NewPCG(1, 2)), nil)
	switch {
	case err != nil:
		t.Errorf("Select: %v", err)
	case ok != (len(window) > 0):
		t.Errorf("Select reported %v with a window of %d", ok, len(window))
	case ok && !slices.Contains(sortedAddrs(window), sd.Addr):
		t.Errorf("Select chose %s outside the window %v", sd.Addr, sortedAddrs(window))
	}
}

func TestServerSelectionSpec(t *testing.T) {
	root := spectest.Dir(t, "server-selection", "tests")
	for _, file := range spectest.Files(t, ".json", "server-selection", "tests") {
		name := spectest.Name(root, file)
		t.Run(name, func(t *testing.T) {
			selectionSkips.Check(t, name)
			switch filepath.Base(filepath.Dir(file)) {
			case "rtt":
				runRTTFile(t, file)
			case "in_window":
				runInWindowFile(t, readSelectionFile(t, file))
			default:
				runSelectionFile(t, readSelectionFile(t, file))
			}
		})
	}
}

// TestMaxStalenessSpec runs the Max Staleness suite when the corpus has it.
// It is an optional extra (the shared corpus does not carry it), so its
// absence is a skip even under CI.
func TestMaxStalenessSpec(t *testing.T) {
	dir := filepath.Join(spectest.Root(), "max-staleness", "tests")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Skipf("optional corpus %s not present", dir)
	}
	for _, file := range spectest.Files(t, ".json", "max-staleness", "tests") {
		t.Run(spectest.Name(dir, file), func(t *testing.T) {
			runSelectionFile(t, readSelectionFile(t, file))
		})
	}
}

func runRTTFile(t *testing.T, file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Avg    json.RawMessage `json:"avg_rtt_ms"`
		New    float64         `json:"new_rtt_ms"`
		NewAvg float64         `json:"new_avg_rtt"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	var a RTTAverage
	if string(f.Avg) != `"NULL"` {
		var prev float64
		if err := json.Unmarshal(f.Avg, &prev); err != nil {
			t.Fatalf("avg_rtt_ms %s: %v", f.Avg, err)
		}
		a.Add(msDuration(prev))
	}
	got := a.Add(msDuration(f.New))
	if want := msDuration(f.NewAvg); got != want {
		t.Errorf("average %v, want %v", got, want)
	}
	if v, ok := a.Value(); !ok || v != got {
		t.Errorf("Value() = %v, %v; want %v, true", v, ok, got)
	}
}

// runInWindowFile selects many times with seeded randomness and checks the
// frequencies against the expected ones.
func runInWindowFile(t *testing.T, f selectionFile) {
	td := f.topologyOf(t)
	counts := map[Address]int{}
	for _, m := range f.MockedTopologyState {
		counts[NewAddress(m.Address)] = m.OperationCount
	}
	inFlight := func(a Address) int { return counts[a] }
	r := rand.New(rand.NewPCG(42, 7))
	chosen := map[Address]int{}
	c := Criteria{ReadPref: ReadPref{Mode: Nearest}}
	for i := 0; i < f.Iterations; i++ {
		sd, ok, err := Select(td, c, r, inFlight)
		if err != nil || !ok {
			t.Fatalf("Select: %v, %v", ok, err)
		}
		chosen[sd.Addr]++
	}
	for addr, want := range f.Outcome.ExpectedFrequencies {
		got := float64(chosen[NewAddress(addr)]) / float64(f.Iterations)
		exact := want == 0 || want == 1
		if (exact && got != want) || math.Abs(got-want) > f.Outcome.Tolerance {
			t.Errorf("%s chosen with frequency %.3f, want %.3f ± %.3f", addr, got, want, f.Outcome.Tolerance)
		}
	}
}
