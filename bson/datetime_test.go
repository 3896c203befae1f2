package bson

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateTime(t *testing.T) {
	tm := time.Date(2024, 2, 29, 12, 30, 45, 678_900_000, time.FixedZone("x", 3600))
	d := NewDateTimeFromTime(tm)
	if int64(d) != tm.UnixMilli() {
		t.Errorf("DateTime = %d, want %d", d, tm.UnixMilli())
	}
	if got := d.Time(); !got.Equal(tm.Truncate(time.Millisecond)) || got.Location() != time.UTC {
		t.Errorf("Time = %v", got)
	}
	if s := d.String(); s != "2024-02-29T11:30:45.678Z" {
		t.Errorf("String = %s", s)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back DateTime
	if err := json.Unmarshal(b, &back); err != nil || back != d {
		t.Errorf("JSON round trip %s: %v %v", b, back, err)
	}
	if err := json.Unmarshal([]byte(`"yesterday"`), &back); err == nil {
		t.Error("bad JSON time accepted")
	}
	if DateTime(-1).Time().UnixMilli() != -1 {
		t.Error("negative DateTime")
	}
}

func TestTypeString(t *testing.T) {
	if TypeInt32.String() != "32-bit integer" || TypeMinKey.String() != "min key" || Type(0x42).String() != "invalid type 0x42" {
		t.Errorf("Type.String: %q %q %q", TypeInt32, TypeMinKey, Type(0x42))
	}
	valid := 0
	for i := range 256 {
		if Type(i).Valid() {
			valid++
		}
	}
	if valid != 21 {
		t.Errorf("%d valid types, want 21", valid)
	}
	if e := KV("a", 1); e.Key != "a" || e.Value != 1 {
		t.Errorf("KV = %+v", e)
	}
}
