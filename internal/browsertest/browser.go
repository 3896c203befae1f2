package browsertest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/spectest"
)

// Find returns the path of the headless browser: $TORQUE_CHROMIUM, else
// chromium, chromium-browser, google-chrome or google-chrome-stable on
// $PATH.
func Find() (string, error) {
	if p := os.Getenv("TORQUE_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium on $PATH (nor $TORQUE_CHROMIUM): run `make browser` (Debian: apt-get install chromium)")
}

// Browser is a headless Chromium driven over the DevTools protocol. New
// starts it; the test's cleanup closes it, kills the process and removes
// its profile.
type Browser struct {
	t       testing.TB
	cmd     *exec.Cmd
	host    string // 127.0.0.1:port of the DevTools endpoint
	conn    *cdp   // the browser-level session
	profile string
	stderr  *tail
	wg      sync.WaitGroup // the stderr reader
}

// New starts a browser for the test, or skips the test (fails it under
// CI=true) when there is no Chromium.
func New(t testing.TB) *Browser {
	t.Helper()
	path, err := Find()
	if err != nil {
		spectest.SkipOrFail(t, "browser test: "+err.Error())
	}
	profile, err := os.MkdirTemp("", "torque-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
		"--disable-background-networking", "--disable-component-update", "--mute-audio",
		"--window-size=1000,700", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
		"--user-data-dir="+profile, "about:blank")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(profile)
		t.Fatalf("browsertest: starting %s: %v", path, err)
	}
	b := &Browser{t: t, cmd: cmd, profile: profile, stderr: &tail{}}
	t.Cleanup(b.close)
	wsURL := make(chan string, 1)
	b.wg.Add(1)
	go b.readStderr(stderr, wsURL)
	select {
	case u := <-wsURL:
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		ws, err := dialWS(ctx, u)
		if err != nil {
			t.Fatalf("browsertest: %v", err)
		}
		b.conn = newCDP(ws)
		b.host = strings.TrimPrefix(u, "ws://")
		b.host = b.host[:strings.IndexByte(b.host, '/')]
	case <-time.After(60 * time.Second):
		t.Fatalf("browsertest: %s printed no DevTools address in 60s; its stderr:\n%s", path, b.stderr)
	}
	return b
}

// readStderr finds the DevTools address in the browser's stderr, then
// keeps the end of it for error messages until the process exits.
func (b *Browser) readStderr(r io.Reader, wsURL chan<- string) {
	defer b.wg.Done()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if addr, ok := strings.CutPrefix(line, "DevTools listening on "); ok {
			wsURL <- addr
			continue
		}
		b.stderr.add(line)
	}
}

func (b *Browser) close() {
	if b.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		b.conn.Call(ctx, "Browser.close", nil, nil)
		cancel()
		b.conn.close()
	}
	done := make(chan struct{})
	go func() { b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
	b.wg.Wait()
	os.RemoveAll(b.profile)
}

// tail keeps the last lines of a stream.
type tail struct {
	mu    sync.Mutex
	lines []string
}

func (t *tail) add(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lines = append(t.lines, s); len(t.lines) > 20 {
		t.lines = t.lines[1:]
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

// screenshotDir is where every screenshot of this process goes: a
// temporary directory kept after the tests, for whoever wants to look.
var screenshotDir = sync.OnceValues(func() (string, error) {
	if d := os.Getenv("TORQUE_SCREENSHOTS"); d != "" {
		return d, os.MkdirAll(d, 0o755)
	}
	return os.MkdirTemp("", "torque-screenshots-")
})

func screenshotPath(name string) (string, error) {
	dir, err := screenshotDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name+".png"), nil
}
