package bson

import (
	"encoding/hex"
	"testing"
)

// A nil D, M or named document type in a struct field is written as null,
// as the official driver writes it; an empty one is {}. The expected bytes
// are the official driver's (v2.10.0) for the same struct.
func TestNilDocumentFieldsAreNull(t *testing.T) {
	type Filter D
	type S struct {
		D D
		M M
		F Filter
	}
	// {d: null, m: null, f: null}
	const wantNil = "0e000000" + "0a6400" + "0a6d00" + "0a6600" + "00"
	// {d: {}, m: {}, f: {}}
	const wantEmpty = "1d000000" + "03640005000000" + "00" + "036d0005000000" + "00" + "03660005000000" + "00" + "00"
	for _, tc := range []struct {
		name string
		in   S
		want string
	}{
		{"nil", S{}, wantNil},
		{"empty", S{D: D{}, M: M{}, F: Filter{}}, wantEmpty},
	} {
		got, err := Marshal(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if hex.EncodeToString(got) != tc.want {
			t.Errorf("%s: Marshal = %x, want %s", tc.name, got, tc.want)
		}
		var back S
		if err := Unmarshal(got, &back); err != nil {
			t.Fatalf("%s: Unmarshal: %v", tc.name, err)
		}
		if (back.D == nil) != (tc.in.D == nil) || (back.M == nil) != (tc.in.M == nil) || (back.F == nil) != (tc.in.F == nil) {
			t.Errorf("%s: read back %#v from %#v", tc.name, back, tc.in)
		}
	}
	// At the top level a nil D is still an empty document.
	if got, err := Marshal(D(nil)); err != nil || hex.EncodeToString(got) != "0500000000" {
		t.Errorf("Marshal(D(nil)) = %x, %v; want 0500000000", got, err)
	}
}
