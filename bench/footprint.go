package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// footprintPrograms are the programs footprint/<name>/main.go: the same
// small program (connect, insert one document, find it back) for each
// driver, hello-world as the baseline of the Go runtime alone, and a TLS
// dial as the baseline of any driver that supports TLS.
var footprintPrograms = []string{"hello", "tls", "torque", "official"}

// Footprint builds each footprint program with and without -ldflags=-s -w
// into a temporary directory and writes a Markdown table of binary sizes
// and the modules each links besides the standard library and its own.
// A program that does not build gets its error in the table.
func Footprint(ctx context.Context, w io.Writer) error {
	root, err := moduleDir(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "torque-footprint-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	type result struct {
		size, stripped int64
		mods           []string
		full           string // the unstripped binary
		err            error
	}
	results := map[string]*result{}
	for _, name := range footprintPrograms {
		r := &result{}
		results[name] = r
		pkg := "./" + filepath.Join("footprint", name)
		full, stripped := filepath.Join(tmp, name), filepath.Join(tmp, name+"-stripped")
		r.full = full
		if r.size, r.err = build(ctx, root, pkg, full, ""); r.err != nil {
			continue
		}
		if r.stripped, r.err = build(ctx, root, pkg, stripped, "-s -w"); r.err != nil {
			continue
		}
		r.mods, r.err = linkedModules(ctx, full)
	}
	off := results["official"]
	fmt.Fprintln(w, "| program | binary | stripped (-s -w) | vs official (stripped) | modules linked besides std |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
	for _, name := range footprintPrograms {
		r := results[name]
		if r.err != nil {
			fmt.Fprintf(w, "| %s | build failed | | | %s |\n", name, oneLine(r.err.Error()))
			continue
		}
		vs := "-"
		if off.err == nil && off.stripped > 0 {
			vs = fmt.Sprintf("%.0f%%", 100*float64(r.stripped)/float64(off.stripped))
		}
		mods := strings.Join(r.mods, ", ")
		if mods == "" {
			mods = "(none)"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", name, mib(r.size), mib(r.stripped), vs, mods)
	}
	fmt.Fprintln(w, "\nTargets: torque stripped ≤ 5.6 MiB and ≤ 1.2 MiB over tls; torque links no module outside the"+
		" standard library (klauspost/compress only in a program that imports torque's compress/snappy or compress/zstd).")
	return packageBreakdown(ctx, w, results["torque"].full, results["tls"].full, results["torque"].err, results["tls"].err)
}

// packageBreakdown writes what each package adds to the torque program
// over the TLS dial, from the symbol sizes of the unstripped binaries.
func packageBreakdown(ctx context.Context, w io.Writer, prog, base string, errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return nil // the table above shows the error
		}
	}
	ps, err := PackageSizes(ctx, prog)
	if err != nil {
		return err
	}
	bs, err := PackageSizes(ctx, base)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nWhat each package adds to torque over tls (symbol sizes of the unstripped binaries, `go tool nm -size`;"+
		" the function tables, .gopclntab, grow with the code on top of this):")
	fmt.Fprintln(w)
	writePackageTable(w, ps, bs, 30)
	return nil
}

// moduleDir is the directory of the bench module's go.mod.
func moduleDir(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if !strings.HasSuffix(gomod, filepath.Join("bench", "go.mod")) {
		return "", fmt.Errorf("run from the bench module (go env GOMOD is %q)", gomod)
	}
	return filepath.Dir(gomod), nil
}

// build runs go build and returns the binary's size.
func build(ctx context.Context, dir, pkg, out, ldflags string) (int64, error) {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags="+ldflags, "-o", out, pkg)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	st, err := os.Stat(out)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// linkedModules lists the dependency modules recorded in a binary's build
// information (`go version -m`): the modules that contributed packages,
// with their versions; a replaced module shows its replacement.
func linkedModules(ctx context.Context, bin string) ([]string, error) {
	out, err := exec.CommandContext(ctx, "go", "version", "-m", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("go version -m: %w", err)
	}
	var mods []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "dep" {
			m := f[1]
			if len(f) >= 3 {
				m += "@" + f[2]
			}
			mods = append(mods, m)
		}
		if len(f) >= 2 && f[0] == "=>" && len(mods) > 0 {
			mods[len(mods)-1] += " => " + f[1]
		}
	}
	return mods, sc.Err()
}

func mib(n int64) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strings.ReplaceAll(s, "|", "/")
}
