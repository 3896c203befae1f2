// Package spectest finds the MongoDB specifications' JSON test corpora for the
// spec runners of every package.
//
// The corpora are never copied into this repository. They are read from the
// directory named by $MONGO_SPEC_DIR, which defaults to ../shared/specs
// relative to the repository root. When the corpus is missing a runner skips
// with a message, except under CI=true, where a missing corpus is a failure:
// CI must never go green by running nothing.
//
// Files:
//   - spectest.go: Dir, Files, and the CI rule.
//   - skip.go: Skips, the one shape every runner uses for its skip list.
//
// Everything here is safe for concurrent use.
package spectest
