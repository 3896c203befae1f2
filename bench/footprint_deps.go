package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// FootprintDeps answers "what would leave the torque footprint program if
// this function were not called?". It builds a copy of the Go linker whose
// dead-code pass prints every reachability edge (the stock -dumpdep prints
// only the first edge that reaches each symbol), links the program with
// it, and computes the dominator tree of the reachability graph: the
// symbol bytes a symbol keeps alive are those of its subtree. It writes
// the top symbols whose names match filter, largest subtree first.
// Symbol bytes are `go tool nm -size` (.bss left out); the stripped file
// grows by about 1.7x as much (function tables).
func FootprintDeps(ctx context.Context, w io.Writer, filter *regexp.Regexp, top int) error {
	root, err := moduleDir(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "torque-footprint-deps-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	toolexec, err := edgeLinker(ctx, tmp)
	if err != nil {
		return err
	}
	bin := filepath.Join(tmp, "torque")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-toolexec", toolexec, "-ldflags=-dumpdep", "-o", bin, "./footprint/torque")
	cmd.Dir = root
	deps, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("building footprint/torque with the edge-printing linker: %v: %s", err, lastLines(string(deps), 5))
	}
	nm, err := exec.CommandContext(ctx, "go", "tool", "nm", "-size", bin).Output()
	if err != nil {
		return fmt.Errorf("go tool nm: %w", err)
	}
	g := parseEdges(bytes.NewReader(deps))
	sizes := symbolSizes(bytes.NewReader(nm), noBitsRanges(bin))
	writeDominators(w, g, sizes, filter, top)
	return nil
}

// edgeLinker builds, in dir, cmd/link with deadcode.go's mark printing
// every edge under -dumpdep, and returns a -toolexec script that runs it in
// place of the stock linker.
func edgeLinker(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "src", "cmd", "link", "internal", "ld", "deadcode.go")
	code, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	const at = "func (d *deadcodePass) mark(symIdx, parent loader.Sym) {\n"
	if !bytes.Contains(code, []byte(at)) {
		return "", fmt.Errorf("%s has no %q: this Go version's linker changed; adapt edgeLinker", src, strings.TrimSpace(at))
	}
	// Already-reachable targets are printed here; the stock code prints the
	// first edge of each symbol.
	const every = "\tif symIdx != 0 && parent != 0 && *flagDumpDep && d.ldr.AttrReachable(symIdx) {\n" +
		"\t\tfmt.Printf(\"%s -> %s\\n\", d.ldr.SymName(parent), d.ldr.SymName(symIdx))\n\t}\n"
	patched := filepath.Join(dir, "deadcode.go")
	if err := os.WriteFile(patched, bytes.Replace(code, []byte(at), []byte(at+every), 1), 0o644); err != nil {
		return "", err
	}
	overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {src: patched}})
	if err := os.WriteFile(filepath.Join(dir, "overlay.json"), overlay, 0o644); err != nil {
		return "", err
	}
	link := filepath.Join(dir, "link")
	cmd := exec.CommandContext(ctx, "go", "build", "-overlay", filepath.Join(dir, "overlay.json"), "-o", link, "cmd/link")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the patched linker: %v: %s", err, lastLines(string(b), 5))
	}
	script := filepath.Join(dir, "toolexec.sh")
	body := "#!/bin/sh\ntool=$1; shift\n[ \"$(basename \"$tool\")\" = link ] && exec " + strconv.Quote(link) + " \"$@\"\nexec \"$tool\" \"$@\"\n"
	return script, os.WriteFile(script, []byte(body), 0o755)
}

// depGraph is the reachability graph: node 0 is the root ("_" in
// -dumpdep's output, the entry points).
type depGraph struct {
	names []string
	ids   map[string]int
	succ  [][]int
}

func (g *depGraph) id(name string) int {
	if i, ok := g.ids[name]; ok {
		return i
	}
	g.ids[name] = len(g.names)
	g.names = append(g.names, name)
	g.succ = append(g.succ, nil)
	return len(g.names) - 1
}

var depFlags = regexp.MustCompile(`<[A-Za-z]+>`)

// parseEdges reads "from -> to" lines; attribute flags (<UsedInIface>)
// are dropped, other lines ignored.
func parseEdges(r io.Reader) *depGraph {
	g := &depGraph{ids: map[string]int{}}
	g.id("_")
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	for sc.Scan() {
		from, to, ok := strings.Cut(sc.Text(), " -> ")
		if !ok || to == "" {
			continue
		}
		// An anonymous parent ("") becomes a node of its own that nothing
		// reaches: its edges are left out rather than charged to the root.
		from, to = depFlags.ReplaceAllString(from, ""), depFlags.ReplaceAllString(to, "")
		a, b := g.id(from), g.id(to)
		g.succ[a] = append(g.succ[a], b)
	}
	return g
}

// symbolSizes sums `go tool nm -size` by symbol name, leaving out the
// symbols in skip (.bss: no bytes in the file).
func symbolSizes(r io.Reader, skip []addrRange) map[string]int64 {
	sizes := map[string]int64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var f [3]string // address, size, type; the name (spaces and all) is the rest
		rest := sc.Text()
		for i := range f {
			f[i], rest, _ = strings.Cut(strings.TrimLeft(rest, " "), " ")
		}
		addr, err1 := strconv.ParseUint(f[0], 16, 64)
		n, err2 := strconv.ParseInt(f[1], 10, 64)
		name := strings.TrimSpace(rest)
		if err1 != nil || err2 != nil || name == "" || inRanges(addr, skip) {
			continue
		}
		sizes[name] += n
	}
	return sizes
}

// dominators returns each reachable node's immediate dominator (-1 for
// unreachable nodes; the root is its own), by Cooper, Harvey and
// Kennedy's iteration over reverse postorder, and the postorder.
func (g *depGraph) dominators() (idom, post []int) {
	n := len(g.names)
	order := make([]int, n) // postorder number + 1; 0: not reached
	type frame struct{ node, next int }
	stack := []frame{{0, 0}}
	order[0] = -1
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < len(g.succ[top.node]) {
			m := g.succ[top.node][top.next]
			top.next++
			if order[m] == 0 {
				order[m] = -1
				stack = append(stack, frame{m, 0})
			}
			continue
		}
		post = append(post, top.node)
		order[top.node] = len(post)
		stack = stack[:len(stack)-1]
	}
	pred := make([][]int, n)
	for a, ss := range g.succ {
		for _, b := range ss {
			pred[b] = append(pred[b], a)
		}
	}
	idom = make([]int, n)
	for i := range idom {
		idom[i] = -1
	}
	idom[0] = 0
	intersect := func(a, b int) int {
		for a != b {
			for order[a] < order[b] {
				a = idom[a]
			}
			for order[b] < order[a] {
				b = idom[b]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for i := len(post) - 2; i >= 0; i-- { // reverse postorder, root (last) skipped
			v, d := post[i], -1
			for _, p := range pred[v] {
				if order[p] > 0 && idom[p] >= 0 {
					if d < 0 {
						d = p
					} else {
						d = intersect(p, d)
					}
				}
			}
			if d >= 0 && idom[v] != d {
				idom[v], changed = d, true
			}
		}
	}
	return idom, post
}

// writeDominators prints the symbols matching filter by the bytes their
// dominator subtree holds.
func writeDominators(w io.Writer, g *depGraph, sizes map[string]int64, filter *regexp.Regexp, top int) {
	idom, post := g.dominators()
	kept := make([]int64, len(g.names))
	for _, v := range post { // children before their dominator
		kept[v] += sizes[g.names[v]]
		if v != 0 {
			kept[idom[v]] += kept[v]
		}
	}
	var match []int
	for _, v := range post {
		if v != 0 && filter.MatchString(g.names[v]) {
			match = append(match, v)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return kept[match[i]] > kept[match[j]] })
	fmt.Fprintf(w, "| symbol | own bytes | keeps alive | immediate dominator |\n| --- | ---: | ---: | --- |\n")
	for _, v := range match[:min(top, len(match))] {
		fmt.Fprintf(w, "| %s | %d | %d | %s |\n", g.names[v], sizes[g.names[v]], kept[v], g.names[idom[v]])
	}
}
