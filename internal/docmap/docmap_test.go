package docmap

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// entryRe matches the start of a map entry: "//   - names: text" or
// "//<tab>names   text". Continuation lines of the dash form are indented
// further and do not match.
var entryRe = regexp.MustCompile(`^//(?:   - ([^:]+)|\t(.*))`)

// nameRe matches a file or directory name as maps write it.
var nameRe = regexp.MustCompile(`^[\w.*/-]+(\.[a-z]+|/)$`)

// wordRe matches the words of a map, to see whether it mentions a file.
var wordRe = regexp.MustCompile(`[\w.*/-]+`)

// filesMap is the "# Files" section of one doc.go.
type filesMap struct {
	names    []string // the names that open an entry
	mentions words    // every word of the section
}

// words is a set of words, some of them patterns such as "stage_*.go".
type words map[string]bool

// match reports whether name is one of the words or matches one of the
// patterns.
func (w words) match(name string) bool {
	if w[name] {
		return true
	}
	for p := range w {
		if ok, _ := filepath.Match(p, name); ok && strings.Contains(p, "*") {
			return true
		}
	}
	return false
}

// parseFilesMap reads the "# Files" section of a doc.go; found reports
// whether the file has one.
func parseFilesMap(path string) (m filesMap, found bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return m, false, err
	}
	defer f.Close()
	m.mentions = words{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "// # Files":
			in, found = true, true
			continue
		case !strings.HasPrefix(line, "//"), in && strings.HasPrefix(line, "// # "):
			in = false
		}
		if !in {
			continue
		}
		for _, w := range wordRe.FindAllString(line, -1) {
			m.mentions[w] = true
		}
		e := entryRe.FindStringSubmatch(line)
		if e == nil {
			continue
		}
		// The leading names of the entry, up to the first word that is not one.
		for _, n := range strings.FieldsFunc(e[1]+e[2], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if !nameRe.MatchString(n) {
				break
			}
			m.names = append(m.names, n)
		}
	}
	return m, found, sc.Err()
}

// TestDocMaps checks every doc.go "Files" map of the module against its
// directory.
func TestDocMaps(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() != "doc.go" {
			return nil
		}
		checkMap(t, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkMap(t *testing.T, docPath string) {
	t.Helper()
	dir := filepath.Dir(docPath)
	m, found, err := parseFilesMap(docPath)
	if err != nil {
		t.Fatal(err)
	}
	if !found {
		return
	}
	for _, n := range m.names {
		if ms, _ := filepath.Glob(filepath.Join(dir, n)); len(ms) == 0 {
			t.Errorf("%s: Files map names %s, which does not exist", docPath, n)
		}
	}
	for _, f := range packageFiles(t, dir) {
		if f != "doc.go" && !m.mentions.match(f) {
			t.Errorf("%s: Files map does not name %s", docPath, f)
		}
	}
}

// packageFiles returns the non-test .go files of dir, sorted.
func packageFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
