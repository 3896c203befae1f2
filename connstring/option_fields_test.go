package connstring

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Every option of the table is settable and shown: by functions of its
// own or through its field, and a value set through the field comes back
// from values (secrets as "xxxxx").
func TestOptionTableFields(t *testing.T) {
	for i := range optionTable {
		o := &optionTable[i]
		f := (&ConnString{}).field(o.name)
		if (o.set == nil || o.show == nil) && f == nil {
			t.Errorf("option %s has neither its own set/show nor a field", o.name)
		}
		if o.set != nil && o.show != nil && f != nil {
			t.Errorf("option %s has its own set and show and a field that neither uses", o.name)
		}
		if o.set != nil || f == nil {
			continue
		}
		raw, want := "", ""
		switch f.(type) {
		case *string:
			raw, want = "abc", "abc"
		case **bool:
			raw, want = "true", "true"
		case **int:
			raw, want = "1", "1"
		case **time.Duration:
			raw, want = "1500", "1500"
		default:
			t.Errorf("option %s: field of type %T", o.name, f)
			continue
		}
		if o.name == "serverMonitoringMode" {
			raw, want = "poll", "poll"
		}
		if o.secret {
			want = "xxxxx"
		}
		p := &parser{cs: &ConnString{}, seen: map[string]int{}, tls: map[string]bool{}}
		if err := p.set(o, raw, 0); err != nil || len(p.cs.Invalid) > 0 {
			t.Errorf("option %s=%s: err %v, invalid %v", o.name, raw, err, p.cs.Invalid)
			continue
		}
		if got := o.values(p.cs); !slices.Equal(got, []string{want}) {
			t.Errorf("option %s=%s shows %q, want %q", o.name, raw, got, want)
		}
	}
}

func TestLookupOption(t *testing.T) {
	for _, key := range []string{"appname", "ssl", "tls", "wtimeoutms", "readpreferencetags"} {
		o := lookupOption(key)
		if o == nil || (key != "ssl" && strings.ToLower(o.name) != key) || (key == "ssl" && o.name != "tls") {
			t.Errorf("lookupOption(%q) = %v", key, o)
		}
	}
	if o := lookupOption("nosuchoption"); o != nil {
		t.Errorf("lookupOption(nosuchoption) = %v", o.name)
	}
}
