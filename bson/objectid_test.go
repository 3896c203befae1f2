package bson

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestObjectIDLayout(t *testing.T) {
	before := time.Now().Unix()
	a, b := NewObjectID(), NewObjectID()
	after := time.Now().Unix()
	if ts := a.Timestamp().Unix(); ts < before || ts > after {
		t.Errorf("timestamp %d outside [%d, %d]", ts, before, after)
	}
	if [5]byte(a[4:9]) != [5]byte(b[4:9]) || [5]byte(a[4:9]) != oidProcess {
		t.Errorf("process bytes differ: % x vs % x", a[4:9], b[4:9])
	}
	ca := uint32(a[9])<<16 | uint32(a[10])<<8 | uint32(a[11])
	cb := uint32(b[9])<<16 | uint32(b[10])<<8 | uint32(b[11])
	if cb != (ca+1)&0xFFFFFF {
		t.Errorf("counter went from %06x to %06x, want +1", ca, cb)
	}
	if a.IsZero() || !NilObjectID.IsZero() {
		t.Error("IsZero wrong")
	}
	fixed := NewObjectIDFromTimestamp(time.Unix(0x5f000000, 999))
	if fixed.Timestamp() != time.Unix(0x5f000000, 0).UTC() || fixed[0] != 0x5f || fixed[3] != 0 {
		t.Errorf("NewObjectIDFromTimestamp = %v", fixed)
	}
}

func TestObjectIDUniqueConcurrent(t *testing.T) {
	const workers, each = 4, 2000
	var mu sync.Mutex
	seen := make(map[ObjectID]bool, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids := make([]ObjectID, each)
			for i := range ids {
				ids[i] = NewObjectID()
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				if seen[id] {
					t.Errorf("duplicate %s", id.Hex())
				}
				seen[id] = true
			}
		}()
	}
	wg.Wait()
	if len(seen) != workers*each {
		t.Errorf("%d distinct ids, want %d", len(seen), workers*each)
	}
}

func TestObjectIDHex(t *testing.T) {
	const h = "56e1fc72e0c917e9c4714161"
	id, err := ObjectIDFromHex(h)
	if err != nil {
		t.Fatal(err)
	}
	if id[0] != 0x56 || id[11] != 0x61 || id.Hex() != h {
		t.Errorf("parsed % x, Hex %s", id[:], id.Hex())
	}
	if id.String() != `ObjectID("`+h+`")` {
		t.Errorf("String = %s", id)
	}
	if up, err := ObjectIDFromHex(strings.ToUpper(h)); err != nil || up != id {
		t.Errorf("upper case: %v %v", up, err)
	}
	for _, bad := range []string{"", "56e1fc72e0c917e9c471416", "56e1fc72e0c917e9c47141612", "zze1fc72e0c917e9c4714161"} {
		if got, err := ObjectIDFromHex(bad); err == nil || !got.IsZero() {
			t.Errorf("ObjectIDFromHex(%q) = %v, %v", bad, got, err)
		}
	}
}

func TestObjectIDJSONAndText(t *testing.T) {
	id := NewObjectID()
	b, err := json.Marshal(map[string]ObjectID{"id": id})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"` + id.Hex() + `"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var back map[string]ObjectID
	if err := json.Unmarshal(b, &back); err != nil || back["id"] != id {
		t.Errorf("round trip: %v %v", back, err)
	}
	var ext ObjectID
	if err := json.Unmarshal([]byte(`{"$oid": "`+id.Hex()+`"}`), &ext); err != nil || ext != id {
		t.Errorf("$oid form: %v %v", ext, err)
	}
	keep := id
	if err := json.Unmarshal([]byte(`null`), &keep); err != nil || keep != id {
		t.Errorf("null changed the value: %v %v", keep, err)
	}
	for _, bad := range []string{`123`, `"abc"`, `{"$oid": 5}`, `{"x": "56e1fc72e0c917e9c4714161"}`, `[`} {
		var o ObjectID
		if err := json.Unmarshal([]byte(bad), &o); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
	// As a map key, via MarshalText.
	mk, err := json.Marshal(map[ObjectID]int{id: 1})
	if err != nil || !strings.Contains(string(mk), id.Hex()) {
		t.Errorf("map key: %s %v", mk, err)
	}
	var txt ObjectID
	if err := txt.UnmarshalText([]byte(id.Hex())); err != nil || txt != id {
		t.Errorf("UnmarshalText: %v %v", txt, err)
	}
	if err := txt.UnmarshalText(nil); err != nil || !txt.IsZero() {
		t.Errorf("UnmarshalText(empty): %v %v", txt, err)
	}
}
