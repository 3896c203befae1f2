package unified

import (
	"testing"

	"github.com/torque-go/torque/bson"
)

func ej(t *testing.T, s string) bson.RawValue {
	t.Helper()
	doc, err := bson.ExtJSONToRaw([]byte(`{"v": ` + s + `}`))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return doc.Lookup("v")
}

// TestMatch checks the matching rules the runner's verdicts rest on, both
// ways: what must match and what must not.
func TestMatch(t *testing.T) {
	em := newEntityMap()
	em.values["id0"] = ej(t, `{"$oid": "0123456789abcdef01234567"}`)
	cases := []struct {
		exp, act string
		root     bool
		ok       bool
	}{
		{`{"x": 1}`, `{"x": 1, "y": 2}`, true, true},                // extra keys at the root
		{`{"x": 1}`, `{"x": 1, "y": 2}`, false, false},              // not nested
		{`{"x": {"y": 1}}`, `{"x": {"y": 1, "z": 1}}`, true, false}, // nested under a root
		{`{"x": 1, "y": 1}`, `{"y": 1, "x": 1}`, false, true},       // key order
		{`{"x": 1}`, `{"x": {"$numberLong": "1"}}`, false, true},    // flexible numbers
		{`{"x": 1}`, `{"x": 1.5}`, false, false},
		{`{"x": 1}`, `{"x": "1"}`, false, false},
		{`[1, 2]`, `[1, 2, 3]`, false, false},
		{`[{"a": 1}]`, `[{"a": 1, "b": 2}]`, false, false},
		{`{"x": {"$$exists": false}}`, `{"y": 1}`, true, true},
		{`{"x": {"$$exists": false}}`, `{"x": null}`, true, false},
		{`{"x": {"$$exists": true}}`, `{"x": null}`, true, true},
		{`{"x": {"$$unsetOrMatches": 2}}`, `{}`, true, true},
		{`{"x": {"$$unsetOrMatches": 2}}`, `{"x": 3}`, true, false},
		{`{"x": {"$$type": ["int", "long"]}}`, `{"x": {"$numberLong": "5"}}`, false, true},
		{`{"x": {"$$type": "string"}}`, `{"x": 5}`, false, false},
		{`{"x": {"$$matchesEntity": "id0"}}`, `{"x": {"$oid": "0123456789abcdef01234567"}}`, false, true},
		{`{"x": {"$$matchesEntity": "id0"}}`, `{"x": {"$oid": "0123456789abcdef01234568"}}`, false, false},
		{`{"x": {"$$lte": 5}}`, `{"x": 5.0}`, false, true},
		{`{"x": {"$$lte": 5}}`, `{"x": 6}`, false, false},
	}
	for _, c := range cases {
		m := &matcher{entities: em}
		err := m.match("", ej(t, c.exp), ej(t, c.act), c.root)
		if (err == nil) != c.ok {
			t.Errorf("match(%s, %s, root=%v) = %v, want ok=%v", c.exp, c.act, c.root, err, c.ok)
		}
	}
	// The outcome's exact mode: no operators, no flexible numbers.
	exact := &matcher{exact: true}
	if exact.match("", ej(t, `{"x": 1}`), ej(t, `{"x": 1.0}`), false) == nil {
		t.Error("exact match accepted a double for an int32")
	}
	if exact.match("", ej(t, `{"x": 1, "y": 2}`), ej(t, `{"y": 2, "x": 1}`), false) != nil {
		t.Error("exact match refused another key order")
	}
}

func TestArgsRefuseUnknown(t *testing.T) {
	doc, _ := ej(t, `{"filter": {}, "hint": "x_1", "maxAwaitTimeMS": 5}`).Document()
	a := newArgs(doc)
	_ = a.docOrNil("filter")
	if h := a.hint(); h != "x_1" {
		t.Errorf("hint = %v", h)
	}
	if err := a.done(); err == nil {
		t.Error("done accepted an argument nobody read")
	}
}

func TestRequirements(t *testing.T) {
	params, _ := bson.Marshal(bson.D{bson.KV("requireApiVersion", false), bson.KV("maxBSONDepth", int32(200)),
		bson.KV("authenticationMechanisms", bson.A{"SCRAM-SHA-1", "SCRAM-SHA-256"}), bson.KV("ok", 1.0)})
	env := serverEnv{version: parseVersion("7.0.42"), topology: "single", params: params}
	for _, c := range []struct {
		reqs string
		ok   bool
	}{
		{`[]`, true},
		{`[{"minServerVersion": "4.4"}]`, true},
		{`[{"minServerVersion": "7.0.43"}]`, false},
		{`[{"maxServerVersion": "7.0.42"}]`, true},
		{`[{"maxServerVersion": "4.2.99"}, {"minServerVersion": "5.0"}]`, true},
		{`[{"topologies": ["replicaset", "sharded"]}]`, false},
		{`[{"serverless": "forbid", "topologies": ["single"]}]`, true},
		{`[{"auth": true}]`, false},
		{`[{"csfle": true}]`, false},
		{`[{"csfle": false}]`, true},
		{`[{"authMechanism": "scram-sha-256"}]`, true},
		{`[{"authMechanism": "MONGODB-OIDC"}]`, false},
		{`[{"serverParameters": {"requireApiVersion": false}}]`, true},
		{`[{"serverParameters": {"requireApiVersion": true}}]`, false},
		{`[{"serverParameters": {"maxBSONDepth": 200.0}}]`, true},
		{`[{"serverParameters": {"requireApiVersion": false, "enableTestCommands": true}}]`, false},
	} {
		arr, _ := ej(t, c.reqs).Array()
		if why, ok := env.satisfies(arr); ok != c.ok {
			t.Errorf("satisfies(%s) = %v (%s), want %v", c.reqs, ok, why, c.ok)
		}
	}
	if err := checkSchema("1.27"); err == nil {
		t.Error("checkSchema accepted a newer minor version")
	}
	if err := checkSchema("1.4"); err != nil {
		t.Error(err)
	}
}
