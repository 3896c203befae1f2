package bench

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// A diamond under the root and a private chain: b and c both reach d, so
// d (and e below it) are kept by a, not by b or c alone; f is b's alone.
// g, reached only from an anonymous symbol, is left out.
func TestDominators(t *testing.T) {
	edges := "_ -> a\na<UsedInIface> -> b\na -> c\nb -> d\nc -> d\nd -> e\nb -> f\n -> g\nnot an edge\n"
	g := parseEdges(strings.NewReader(edges))
	idom, post := g.dominators()
	want := map[string]string{"a": "_", "b": "a", "c": "a", "d": "a", "e": "d", "f": "b"}
	for name, dom := range want {
		if got := g.names[idom[g.ids[name]]]; got != dom {
			t.Errorf("idom(%s) = %s, want %s", name, got, dom)
		}
	}
	if idom[g.ids["g"]] != -1 {
		t.Errorf("g, reached from an anonymous symbol only, has a dominator")
	}
	if len(post) != len(g.names)-2 || post[len(post)-1] != 0 { // not "" nor g
		t.Fatalf("postorder %v does not end at the root", post)
	}
	sizes := map[string]int64{"a": 1, "b": 10, "c": 100, "d": 1000, "e": 10000, "f": 100000}
	var out bytes.Buffer
	writeDominators(&out, g, sizes, regexp.MustCompile(`^[bd]$`), 5)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || lines[2] != "| b | 10 | 100010 | a |" || lines[3] != "| d | 1000 | 11000 | a |" {
		t.Errorf("table:\n%s", out.String())
	}
}

func TestSymbolSizes(t *testing.T) {
	nm := "  4010a0        120 T main.main\n  4010a0 30 T main.main\n  600000 64 B runtime.bss\n  zz 1 T bad\n"
	got := symbolSizes(strings.NewReader(nm), []addrRange{{0x600000, 0x700000}})
	if len(got) != 1 || got["main.main"] != 150 {
		t.Errorf("sizes %v", got)
	}
}
