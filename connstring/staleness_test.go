package connstring

import (
	"strings"
	"testing"
	"time"
)

// maxStalenessSeconds: -1 is "no maximum", 0 is invalid (Max Staleness
// specification), never taken for "none" (issue 13, item 8).
func TestMaxStalenessZeroIsInvalid(t *testing.T) {
	cs, err := Parse("mongodb://h/?readPreference=secondary&maxStalenessSeconds=0")
	if err != nil {
		t.Fatal(err)
	}
	if cs.MaxStaleness != nil || len(cs.Invalid) != 1 || !strings.Contains(cs.Invalid[0].Error(), "maxStalenessSeconds") {
		t.Errorf("maxStalenessSeconds=0: MaxStaleness %v, Invalid %v; want it refused", cs.MaxStaleness, cs.Invalid)
	}
	cs, err = Parse("mongodb://h/?readPreference=primary&maxStalenessSeconds=-1")
	if err != nil {
		t.Fatal(err)
	}
	if cs.MaxStaleness == nil || *cs.MaxStaleness != -time.Second || len(cs.Invalid) != 0 {
		t.Errorf("maxStalenessSeconds=-1: MaxStaleness %v, Invalid %v; want -1s (no maximum)", cs.MaxStaleness, cs.Invalid)
	}
}
