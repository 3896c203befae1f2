package main

// The tests build the torque binary once and run it as a user would, as a
// separate process: its stdout, stderr and exit status are what is
// checked. FerretDB (TORQUE_TEST_URI) covers the commands that need real
// query semantics; internal/mockserver covers what FerretDB lacks (change
// streams for watch, and network faults for import's retries).

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/spectest"
	"github.com/torque-go/torque/internal/testenv"
	"github.com/torque-go/torque/mongotest"
)

// torqueBin is the binary the tests run, built by TestMain.
var torqueBin string

// specDir is the spec corpora as an absolute path, passed to the binary as
// $MONGO_SPEC_DIR: its own default (../shared/specs) is relative to where it
// runs, and the tests run in cmd/torque.
var specDir, _ = filepath.Abs(spectest.Root())

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "torque-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	torqueBin = filepath.Join(dir, "torque")
	build := exec.Command("go", "build", "-o", torqueBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // the static binary users get
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary did.
type result struct {
	stdout, stderr string
	code           int
}

// torque runs the binary with args and stdin (may be ""), with
// MONGODB_URI set to uri, and returns what it did.
func torque(t *testing.T, uri, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, torqueBin, args...)
	cmd.Env = append(os.Environ(), "MONGODB_URI="+uri, "MONGO_SPEC_DIR="+specDir)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("torque %s: %v", strings.Join(args, " "), err)
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		t.Errorf("torque %s printed a stack trace:\n%s", strings.Join(args, " "), r.stderr)
	}
	return r
}

// ok runs the binary and fails the test unless it exits 0; it returns
// stdout.
func ok(t *testing.T, uri, stdin string, args ...string) string {
	t.Helper()
	r := torque(t, uri, stdin, args...)
	if r.code != 0 {
		t.Fatalf("torque %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r.stdout
}

// ferret returns the FerretDB URI and a fresh database name, dropped at
// the end of the test.
func ferret(t *testing.T) (uri, db string) {
	t.Helper()
	uri = testenv.URI(t)
	suffix := make([]byte, 5)
	rand.Read(suffix)
	db = "cli_" + hex.EncodeToString(suffix)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := client.Connect(ctx, uri)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Disconnect(ctx)
		c.Database(db).Drop(ctx)
	})
	return uri, db
}

// bothServers runs test against FerretDB and against mongotest, each
// with a fresh database.
func bothServers(t *testing.T, test func(t *testing.T, uri, db string)) {
	t.Run("ferretdb", func(t *testing.T) {
		uri, db := ferret(t)
		test(t, uri, db)
	})
	t.Run("mongotest", func(t *testing.T) {
		test(t, mongotest.New(t).URI(), "test")
	})
}

// lines splits output into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// oneStderrLine checks that a failure printed exactly one line naming
// what is wrong.
func oneStderrLine(t *testing.T, r result, code int, want ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit status %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	if r.code == 1 && len(lines(r.stderr)) != 1 {
		t.Errorf("stderr has %d lines, want one:\n%s", len(lines(r.stderr)), r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q does not say %q", r.stderr, w)
		}
	}
}
