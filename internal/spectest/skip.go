package spectest

import (
	"path"
	"testing"
)

// Skips is a runner's one skip list: a pattern (path.Match syntax, matched
// against "file/case description") mapped to the reason the case cannot
// pass. Every entry must say why.
type Skips map[string]string

// Check skips the running test when name matches an entry, logging the
// reason.
func (s Skips) Check(t testing.TB, name string) {
	t.Helper()
	for pat, why := range s {
		if ok, _ := path.Match(pat, name); ok || pat == name {
			t.Skipf("skip list: %s", why)
		}
	}
}
