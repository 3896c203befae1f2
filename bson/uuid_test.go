package bson

import (
	"strings"
	"testing"
)

func TestUUID(t *testing.T) {
	const s = "73ffd264-44b3-4c69-90e8-e7d1dfc035d4"
	u, err := ParseUUID(s)
	if err != nil {
		t.Fatal(err)
	}
	if u[0] != 0x73 || u[15] != 0xd4 || u.String() != s {
		t.Errorf("parsed % x, String %s", u[:], u)
	}
	if u2, err := ParseUUID(strings.ToUpper(strings.ReplaceAll(s, "-", ""))); err != nil || u2 != u {
		t.Errorf("32-digit upper-case form: %v %v", u2, err)
	}
	for _, bad := range []string{"", s[:35], s + "0", "73ffd264+44b3-4c69-90e8-e7d1dfc035d4", "x3ffd264-44b3-4c69-90e8-e7d1dfc035d4"} {
		if _, err := ParseUUID(bad); err == nil {
			t.Errorf("ParseUUID(%q) succeeded", bad)
		}
	}
	b := u.Binary()
	if b.Subtype != BinaryUUID || len(b.Data) != 16 || b.Data[0] != 0x73 {
		t.Errorf("Binary = %+v", b)
	}
	b.Data[0] = 0 // a copy: u is unchanged
	if u[0] != 0x73 {
		t.Error("Binary shares memory with the UUID")
	}
	back, err := u.Binary().UUID()
	if err != nil || back != u {
		t.Errorf("Binary().UUID() = %v, %v", back, err)
	}
	if _, err := (Binary{Subtype: BinaryUUIDOld, Data: make([]byte, 16)}).UUID(); err == nil {
		t.Error("subtype 3 accepted as UUID")
	}
	if _, err := (Binary{Subtype: BinaryUUID, Data: make([]byte, 15)}).UUID(); err == nil {
		t.Error("15 bytes accepted as UUID")
	}
}

func TestNewUUID(t *testing.T) {
	a, err := NewUUID()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewUUID()
	if a == b {
		t.Error("two NewUUID calls returned the same value")
	}
	for _, u := range []UUID{a, b} {
		if u[6]>>4 != 4 || u[8]>>6 != 2 {
			t.Errorf("%s: version %d variant %b, want 4 and 10", u, u[6]>>4, u[8]>>6)
		}
	}
	// Through a document and back, as subtype 4.
	doc := coreDoc(AppendBinaryElement(nil, "u", BinaryUUID, a[:]))
	bin, ok := doc.Lookup("u").Binary()
	if !ok {
		t.Fatal("no binary u")
	}
	if got, err := bin.UUID(); err != nil || got != a {
		t.Errorf("UUID from document = %v, %v", got, err)
	}
}
