package spectest

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true), where a missing
// server or spec corpus is a failure rather than a skip.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// SkipOrFail skips the test with msg, or fails it under CI.
func SkipOrFail(t testing.TB, msg string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s (CI=true: this is a failure, not a skip)", msg)
	}
	t.Skip(msg)
}

// Root returns the directory that holds the spec corpora: $MONGO_SPEC_DIR,
// else ../shared/specs next to the repository root. It does not check that
// the directory exists.
func Root() string {
	if d := os.Getenv("MONGO_SPEC_DIR"); d != "" {
		return d
	}
	return filepath.Join(repoRoot(), "..", "shared", "specs")
}

// repoRoot walks up from the working directory to the folder with go.mod of
// the driver module.
func repoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil &&
			strings.Contains(string(b), "module github.com/torque-go/torque\n") {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// Dir returns the directory of one suite's tests below Root, for example
// Dir(t, "bson-corpus", "tests"). It skips (or fails under CI) when the
// directory does not exist.
func Dir(t testing.TB, parts ...string) string {
	t.Helper()
	d := filepath.Join(append([]string{Root()}, parts...)...)
	if st, err := os.Stat(d); err != nil || !st.IsDir() {
		SkipOrFail(t, "spec corpus "+d+" not found; set MONGO_SPEC_DIR")
	}
	return d
}

// Files returns every file ending in ext (".json") below Dir(t, parts...),
// recursively and sorted. It skips (or fails under CI) when there is none.
func Files(t testing.TB, ext string, parts ...string) []string {
	t.Helper()
	root := Dir(t, parts...)
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ext) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", root, err)
	}
	if len(files) == 0 {
		SkipOrFail(t, "no "+ext+" files below "+root)
	}
	sort.Strings(files)
	return files
}

// Name returns path relative to the suite directory, for subtest names.
func Name(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}
