package bench

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

// PackageSizes sums the sizes of a binary's symbols per Go package, from
// `go tool nm -size` (the binary must not be stripped). Symbols in
// sections that take no room in the file (.bss, .noptrbss) are left out
// on ELF. The sums cover code and data; the function tables
// (.gopclntab), which grow with the code, are not in any symbol.
func PackageSizes(ctx context.Context, bin string) (map[string]int64, error) {
	out, err := exec.CommandContext(ctx, "go", "tool", "nm", "-size", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("go tool nm %s: %w", bin, err)
	}
	return sumPackages(bytes.NewReader(out), noBitsRanges(bin))
}

// addrRange is a half-open range of addresses.
type addrRange struct{ lo, hi uint64 }

// noBitsRanges are the address ranges of an ELF binary's sections that
// hold no bytes in the file; none for another format.
func noBitsRanges(bin string) []addrRange {
	f, err := elf.Open(bin)
	if err != nil {
		return nil
	}
	defer f.Close()
	var rs []addrRange
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOBITS {
			rs = append(rs, addrRange{s.Addr, s.Addr + s.Size})
		}
	}
	return rs
}

// sumPackages reads `go tool nm -size` lines (address, size, type, name)
// and sums the sizes per package, skipping undefined symbols and those
// at an address in skip.
func sumPackages(r io.Reader, skip []addrRange) (map[string]int64, error) {
	sums := map[string]int64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[2] == "U" {
			continue
		}
		addr, err1 := strconv.ParseUint(f[0], 16, 64)
		size, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("go tool nm: unexpected line %q", sc.Text())
		}
		if inRanges(addr, skip) {
			continue
		}
		sums[symbolPackage(strings.Join(f[3:], " "))] += size
	}
	return sums, sc.Err()
}

func inRanges(a uint64, rs []addrRange) bool {
	for _, r := range rs {
		if a >= r.lo && a < r.hi {
			return true
		}
	}
	return false
}

// symbolPackage is the import path of the package a symbol belongs to:
// "crypto/tls.(*Conn).Read" -> "crypto/tls",
// "slices.SortFunc[go.shape.string]" -> "slices". Type descriptors and
// other linker symbols ("type:*", "go:*") are grouped under their prefix.
func symbolPackage(name string) string {
	for _, prefix := range []string{"type:", "go:"} {
		if strings.HasPrefix(name, prefix) {
			return prefix + "*"
		}
	}
	p := name
	if i := strings.IndexAny(p, "[("); i >= 0 {
		p = p[:i]
	}
	slash := strings.LastIndex(p, "/")
	if dot := strings.Index(p[slash+1:], "."); dot >= 0 {
		return p[:slash+1+dot]
	}
	return p
}

// packageDelta is one package's size in a program and in its baseline.
type packageDelta struct {
	pkg             string
	size, base, add int64
}

// writePackageTable writes the packages that make prog bigger than base,
// largest addition first (at most top rows, then one row for the rest),
// and the total of every package.
func writePackageTable(w io.Writer, prog, base map[string]int64, top int) {
	var rows []packageDelta
	for p, n := range prog {
		rows = append(rows, packageDelta{pkg: p, size: n, base: base[p], add: n - base[p]})
	}
	for p, n := range base {
		if _, ok := prog[p]; !ok {
			rows = append(rows, packageDelta{pkg: p, base: n, add: -n})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].add != rows[j].add {
			return rows[i].add > rows[j].add
		}
		return rows[i].pkg < rows[j].pkg
	})
	fmt.Fprintln(w, "| package | bytes in torque | bytes in tls | added |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
	var total, rest packageDelta
	for i, r := range rows {
		total.size, total.base, total.add = total.size+r.size, total.base+r.base, total.add+r.add
		if i < top {
			fmt.Fprintf(w, "| %s | %d | %d | %+d |\n", r.pkg, r.size, r.base, r.add)
			continue
		}
		rest.size, rest.base, rest.add = rest.size+r.size, rest.base+r.base, rest.add+r.add
	}
	if len(rows) > top {
		fmt.Fprintf(w, "| (%d more) | %d | %d | %+d |\n", len(rows)-top, rest.size, rest.base, rest.add)
	}
	fmt.Fprintf(w, "| **all symbols** | %d | %d | %+d |\n", total.size, total.base, total.add)
}
