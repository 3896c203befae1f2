package topology

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/spectest"
)

// sdamSkips is the one skip list of the SDAM runner.
var sdamSkips = spectest.Skips{
	"unified/*": "unified-format integration tests need a live deployment and the unified runner; they belong to the driver's integration suite",
}

type sdamFile struct {
	Description string      `json:"description"`
	URI         string      `json:"uri"`
	Phases      []sdamPhase `json:"phases"`
}

type sdamPhase struct {
	Description       string              `json:"description"`
	Responses         [][]json.RawMessage `json:"responses"`
	ApplicationErrors []sdamAppError      `json:"applicationErrors"`
	Outcome           sdamOutcome         `json:"outcome"`
}

type sdamAppError struct {
	Address        string          `json:"address"`
	Generation     *uint64         `json:"generation"`
	MaxWireVersion int32           `json:"maxWireVersion"`
	When           string          `json:"when"`
	Type           string          `json:"type"`
	Response       json.RawMessage `json:"response"`
}

type sdamOutcome struct {
	TopologyType                 string                       `json:"topologyType"`
	SetName                      json.RawMessage              `json:"setName"`
	Servers                      map[string]sdamServer        `json:"servers"`
	LogicalSessionTimeoutMinutes json.RawMessage              `json:"logicalSessionTimeoutMinutes"`
	MaxSetVersion                json.RawMessage              `json:"maxSetVersion"`
	MaxElectionID                json.RawMessage              `json:"maxElectionId"`
	Compatible                   *bool                        `json:"compatible"`
	Events                       []map[string]json.RawMessage `json:"events"`
}

type sdamServer struct {
	Type                         string          `json:"type"`
	SetName                      json.RawMessage `json:"setName"`
	SetVersion                   json.RawMessage `json:"setVersion"`
	ElectionID                   json.RawMessage `json:"electionId"`
	LogicalSessionTimeoutMinutes json.RawMessage `json:"logicalSessionTimeoutMinutes"`
	MinWireVersion               json.RawMessage `json:"minWireVersion"`
	MaxWireVersion               json.RawMessage `json:"maxWireVersion"`
	TopologyVersion              json.RawMessage `json:"topologyVersion"`
	Error                        *string         `json:"error"`
	Pool                         *struct {
		Generation uint64 `json:"generation"`
	} `json:"pool"`
}

// sdamClient is the test's stand-in for the topology owner: it applies
// check outcomes and application errors, counts pool generations and
// records events, with no I/O.
type sdamClient struct {
	td     TopologyDescription
	pools  map[Address]uint64
	events []Event
	now    time.Time
}

func newSDAMClient(t *testing.T, uri string) *sdamClient {
	cfg := parseTestURI(t, uri)
	td, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	c := &sdamClient{td: td, pools: map[Address]uint64{}, now: time.Unix(1_000_000, 0)}
	c.events = Opening(bson.NilObjectID, td)
	if cfg.LoadBalanced {
		c.apply(NewLoadBalancerServer(cfg.Seeds[0]))
	}
	return c
}

func (c *sdamClient) apply(sd ServerDescription) {
	next := Apply(c.td, sd)
	c.events = append(c.events, Diff(bson.NilObjectID, c.td, next, sd.Addr)...)
	c.td = next
}

// respond feeds one [address, hello reply] pair; {} is a network error.
func (c *sdamClient) respond(t *testing.T, pair []json.RawMessage) {
	t.Helper()
	var addr string
	if len(pair) != 2 || json.Unmarshal(pair[0], &addr) != nil {
		t.Fatalf("malformed response %s", pair)
	}
	a := NewAddress(addr)
	c.now = c.now.Add(time.Second)
	raw, err := bson.ExtJSONToRaw(pair[1])
	if err != nil {
		t.Fatalf("response %s: %v", pair[1], err)
	}
	if len(raw) == 5 { // {}
		c.apply(NewUnknownServer(a, errors.New("network error during check")))
		return
	}
	h, err := ParseHello(raw)
	if err != nil {
		t.Fatalf("ParseHello(%s): %v", pair[1], err)
	}
	c.apply(NewServerDescription(a, &h, 10*time.Millisecond, 0, c.now))
}

// appError feeds one application error.
func (c *sdamClient) appError(t *testing.T, ae sdamAppError) {
	t.Helper()
	a := NewAddress(ae.Address)
	e := AppError{Addr: a, Generation: c.pools[a], MaxWireVersion: ae.MaxWireVersion}
	if ae.When == "beforeHandshakeCompletes" {
		e.Phase = DuringConnect
	}
	if ae.Generation != nil {
		e.Generation = *ae.Generation
	}
	switch ae.Type {
	case "network":
		e.Kind = NetworkError
	case "timeout":
		e.Kind = NetworkTimeout
	case "command":
		e.Kind = CommandError
		raw, err := bson.ExtJSONToRaw(ae.Response)
		if err != nil {
			t.Fatalf("error response %s: %v", ae.Response, err)
		}
		code, _ := raw.Lookup("code").AsInt64()
		e.Code = int32(code)
		e.Message, _ = raw.Lookup("errmsg").StringValue()
		if e.TopologyVersion, err = ParseTopologyVersion(raw.Lookup("topologyVersion")); err != nil {
			t.Fatalf("error response topologyVersion: %v", err)
		}
	default:
		t.Fatalf("unknown application error type %q", ae.Type)
	}
	next, act := ApplyAppError(c.td, c.pools[a], e)
	if act.ClearPool {
		c.pools[a]++
	}
	c.events = append(c.events, Diff(bson.NilObjectID, c.td, next, a)...)
	c.td = next
}

func TestSDAMSpec(t *testing.T) {
	root := spectest.Dir(t, "server-discovery-and-monitoring", "tests")
	files := spectest.Files(t, ".json", "server-discovery-and-monitoring", "tests")
	for _, file := range files {
		name := spectest.Name(root, file)
		t.Run(name, func(t *testing.T) {
			sdamSkips.Check(t, name)
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var f sdamFile
			if err := json.Unmarshal(b, &f); err != nil {
				t.Fatalf("decoding %s: %v", name, err)
			}
			runSDAMFile(t, f)
		})
	}
}

func runSDAMFile(t *testing.T, f sdamFile) {
	c := newSDAMClient(t, f.URI)
	for i, p := range f.Phases {
		for _, r := range p.Responses {
			c.respond(t, r)
		}
		for _, ae := range p.ApplicationErrors {
			c.appError(t, ae)
		}
		where := f.Description + ": phase " + itoa(int64(i)) + " " + p.Description
		if p.Outcome.Events != nil {
			checkEvents(t, where, p.Outcome.Events, c.events)
			c.events = nil
			continue
		}
		checkTopology(t, where, p.Outcome, c)
	}
}

func checkTopology(t *testing.T, where string, want sdamOutcome, c *sdamClient) {
	t.Helper()
	td := c.td
	if got := td.Type.String(); got != want.TopologyType {
		t.Errorf("%s: topologyType %s, want %s", where, got, want.TopologyType)
	}
	checkString(t, where+": setName", want.SetName, td.SetName)
	checkOptInt(t, where+": logicalSessionTimeoutMinutes", want.LogicalSessionTimeoutMinutes, td.LogicalSessionTimeoutMinutes)
	checkOptInt(t, where+": maxSetVersion", want.MaxSetVersion, td.MaxSetVersion)
	checkOptOID(t, where+": maxElectionId", want.MaxElectionID, td.MaxElectionID)
	if want.Compatible != nil && *want.Compatible != (td.CompatibilityErr == nil) {
		t.Errorf("%s: compatible %v (err %v), want %v", where, td.CompatibilityErr == nil, td.CompatibilityErr, *want.Compatible)
	}
	if len(td.Servers) != len(want.Servers) {
		t.Errorf("%s: %d servers %v, want %d", where, len(td.Servers), addrsOf(td.Servers), len(want.Servers))
	}
	for addr, ws := range want.Servers {
		a := NewAddress(addr)
		sd, ok := td.Server(a)
		if !ok {
			t.Errorf("%s: server %s missing", where, a)
			continue
		}
		checkServer(t, where+": server "+addr, ws, sd)
		if ws.Pool != nil && c.pools[a] != ws.Pool.Generation {
			t.Errorf("%s: server %s pool generation %d, want %d", where, addr, c.pools[a], ws.Pool.Generation)
		}
	}
}

func checkServer(t *testing.T, where string, want sdamServer, sd ServerDescription) {
	t.Helper()
	if got := sd.Type.String(); got != want.Type {
		t.Errorf("%s: type %s, want %s (err %v)", where, got, want.Type, sd.Err)
	}
	checkString(t, where+": setName", want.SetName, sd.SetName)
	checkOptInt(t, where+": setVersion", want.SetVersion, sd.SetVersion)
	checkOptOID(t, where+": electionId", want.ElectionID, sd.ElectionID)
	checkOptInt(t, where+": logicalSessionTimeoutMinutes", want.LogicalSessionTimeoutMinutes, sd.LogicalSessionTimeoutMinutes)
	for _, w := range []struct {
		name string
		raw  json.RawMessage
		got  int32
	}{{"minWireVersion", want.MinWireVersion, sd.MinWireVersion}, {"maxWireVersion", want.MaxWireVersion, sd.MaxWireVersion}} {
		if present(w.raw) {
			var n int64
			if !isNull(w.raw) {
				n, _ = extValue(t, w.raw).AsInt64()
			}
			if int64(w.got) != n {
				t.Errorf("%s: %s %d, want %s", where, w.name, w.got, w.raw)
			}
		}
	}
	if present(want.TopologyVersion) {
		wtv, err := ParseTopologyVersion(extValue(t, want.TopologyVersion))
		if err != nil {
			t.Fatalf("%s: expected topologyVersion: %v", where, err)
		}
		if !equalTopologyVersion(wtv, sd.TopologyVersion) {
			t.Errorf("%s: topologyVersion %+v, want %s", where, sd.TopologyVersion, want.TopologyVersion)
		}
	}
	if want.Error != nil && (sd.Err == nil || !strings.Contains(sd.Err.Error(), *want.Error)) {
		t.Errorf("%s: error %v, want one containing %q", where, sd.Err, *want.Error)
	}
}

func checkString(t *testing.T, what string, want json.RawMessage, got string) {
	t.Helper()
	if !present(want) {
		return
	}
	var w string
	if !isNull(want) {
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatalf("%s: expected value %s: %v", what, want, err)
		}
	}
	if got != w {
		t.Errorf("%s: %q, want %s", what, got, want)
	}
}

func checkOptInt(t *testing.T, what string, want json.RawMessage, got *int64) {
	t.Helper()
	if !present(want) {
		return
	}
	if isNull(want) {
		if got != nil {
			t.Errorf("%s: %d, want null", what, *got)
		}
		return
	}
	w, ok := extValue(t, want).AsInt64()
	if !ok {
		t.Fatalf("%s: expected value %s is not an integer", what, want)
	}
	if got == nil || *got != w {
		t.Errorf("%s: %v, want %d", what, fmtOpt(got), w)
	}
}

func checkOptOID(t *testing.T, what string, want json.RawMessage, got *bson.ObjectID) {
	t.Helper()
	if !present(want) {
		return
	}
	if isNull(want) {
		if got != nil {
			t.Errorf("%s: %s, want null", what, got.Hex())
		}
		return
	}
	w, ok := extValue(t, want).ObjectID()
	if !ok {
		t.Fatalf("%s: expected value %s is not an ObjectId", what, want)
	}
	if got == nil || *got != w {
		t.Errorf("%s: %v, want %s", what, got, w.Hex())
	}
}

func fmtOpt(p *int64) string {
	if p == nil {
		return "null"
	}
	return itoa(*p)
}

func addrsOf(servers []ServerDescription) []Address {
	var out []Address
	for _, s := range servers {
		out = append(out, s.Addr)
	}
	return out
}

// checkEvents compares the recorded events with a monitoring test's list,
// in order, on the fields the test gives.
func checkEvents(t *testing.T, where string, want []map[string]json.RawMessage, got []Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d events, want %d:\n got %s", where, len(got), len(want), eventNames(got))
		return
	}
	for i, w := range want {
		for kind, body := range w {
			if msg := diffEvent(t, kind, body, got[i]); msg != "" {
				t.Errorf("%s: event %d: %s", where, i, msg)
			}
		}
	}
}

func eventNames(evs []Event) string {
	var names []string
	for _, e := range evs {
		switch e := e.(type) {
		case TopologyOpening:
			names = append(names, "TopologyOpening")
		case TopologyDescriptionChanged:
			names = append(names, "TopologyDescriptionChanged("+e.New.Type.String()+")")
		case ServerOpening:
			names = append(names, "ServerOpening("+string(e.Addr)+")")
		case ServerClosed:
			names = append(names, "ServerClosed("+string(e.Addr)+")")
		case ServerDescriptionChanged:
			names = append(names, "ServerDescriptionChanged("+string(e.Addr)+" "+e.New.Type.String()+")")
		default:
			names = append(names, "other")
		}
	}
	return strings.Join(names, ", ")
}

type eventBody struct {
	Address             string          `json:"address"`
	PreviousDescription json.RawMessage `json:"previousDescription"`
	NewDescription      json.RawMessage `json:"newDescription"`
}

// wantServerDesc is a server description in an event.
type wantServerDesc struct {
	Address  string          `json:"address"`
	Type     string          `json:"type"`
	Hosts    []string        `json:"hosts"`
	Passives []string        `json:"passives"`
	Arbiters []string        `json:"arbiters"`
	Primary  json.RawMessage `json:"primary"`
	SetName  json.RawMessage `json:"setName"`
}

type wantTopologyDesc struct {
	TopologyType string           `json:"topologyType"`
	SetName      json.RawMessage  `json:"setName"`
	Servers      []wantServerDesc `json:"servers"`
}

// diffEvent returns "" when got matches the expected event, else why not.
func diffEvent(t *testing.T, kind string, body json.RawMessage, got Event) string {
	var b eventBody
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("event %s: %v", kind, err)
	}
	switch kind {
	case "topology_opening_event":
		if _, ok := got.(TopologyOpening); !ok {
			return "got " + eventNames([]Event{got}) + ", want TopologyOpening"
		}
	case "server_opening_event", "server_closed_event":
		var addr Address
		switch e := got.(type) {
		case ServerOpening:
			if kind != "server_opening_event" {
				return "got ServerOpening, want " + kind
			}
			addr = e.Addr
		case ServerClosed:
			if kind != "server_closed_event" {
				return "got ServerClosed, want " + kind
			}
			addr = e.Addr
		default:
			return "got " + eventNames([]Event{got}) + ", want " + kind
		}
		if addr != NewAddress(b.Address) {
			return kind + " for " + string(addr) + ", want " + b.Address
		}
	case "server_description_changed_event":
		e, ok := got.(ServerDescriptionChanged)
		if !ok {
			return "got " + eventNames([]Event{got}) + ", want ServerDescriptionChanged"
		}
		if msg := diffServerDesc(t, b.PreviousDescription, e.Previous); msg != "" {
			return "previous: " + msg
		}
		if msg := diffServerDesc(t, b.NewDescription, e.New); msg != "" {
			return "new: " + msg
		}
	case "topology_description_changed_event":
		e, ok := got.(TopologyDescriptionChanged)
		if !ok {
			return "got " + eventNames([]Event{got}) + ", want TopologyDescriptionChanged"
		}
		if msg := diffTopologyDesc(t, b.PreviousDescription, e.Previous); msg != "" {
			return "previous: " + msg
		}
		if msg := diffTopologyDesc(t, b.NewDescription, e.New); msg != "" {
			return "new: " + msg
		}
	default:
		return "unknown event kind " + kind
	}
	return ""
}

func diffTopologyDesc(t *testing.T, raw json.RawMessage, got TopologyDescription) string {
	var w wantTopologyDesc
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatalf("topology description %s: %v", raw, err)
	}
	if got.Type.String() != w.TopologyType {
		return "topologyType " + got.Type.String() + ", want " + w.TopologyType
	}
	if msg := diffOptString("setName", w.SetName, got.SetName); msg != "" {
		return msg
	}
	if len(got.Servers) != len(w.Servers) {
		return "servers " + itoa(int64(len(got.Servers))) + ", want " + itoa(int64(len(w.Servers)))
	}
	for _, ws := range w.Servers {
		sd, ok := got.Server(NewAddress(ws.Address))
		if !ok {
			return "server " + ws.Address + " missing"
		}
		raw, _ := json.Marshal(ws)
		if msg := diffServerDesc(t, raw, sd); msg != "" {
			return msg
		}
	}
	return ""
}

func diffServerDesc(t *testing.T, raw json.RawMessage, got ServerDescription) string {
	var w wantServerDesc
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatalf("server description %s: %v", raw, err)
	}
	switch {
	case got.Addr != NewAddress(w.Address):
		return "address " + string(got.Addr) + ", want " + w.Address
	case got.Type.String() != w.Type:
		return string(got.Addr) + ": type " + got.Type.String() + ", want " + w.Type
	case !sameAddrs(got.Hosts, w.Hosts), !sameAddrs(got.Passives, w.Passives), !sameAddrs(got.Arbiters, w.Arbiters):
		return string(got.Addr) + ": members differ"
	}
	if msg := diffOptString("primary", w.Primary, string(got.Primary)); msg != "" {
		return string(got.Addr) + ": " + msg
	}
	return diffOptString("setName", w.SetName, got.SetName)
}

func diffOptString(what string, want json.RawMessage, got string) string {
	if !present(want) || string(want) == "null" && got == "" {
		return ""
	}
	var w string
	_ = json.Unmarshal(want, &w)
	if what == "primary" {
		w = string(NewAddress(w))
	}
	if got != w {
		return what + " " + got + ", want " + w
	}
	return ""
}

func sameAddrs(got []Address, want []string) bool {
	w := make([]Address, 0, len(want))
	for _, s := range want {
		w = append(w, NewAddress(s))
	}
	slices.Sort(w)
	return slices.Equal(append([]Address{}, got...), w)
}
