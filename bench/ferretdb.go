package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// StartFerretDB connects both drivers to the FerretDB at uri; with uri
// empty it first starts one (see startFerretDB) and stops it in Close.
func StartFerretDB(ctx context.Context, data *Data, uri string) (*Env, error) {
	var stop func() error
	if uri == "" {
		var err error
		if uri, stop, err = startFerretDB(ctx); err != nil {
			return nil, err
		}
	}
	e, err := newEnv(ctx, "ferretdb", uri, data, stop)
	if err != nil && stop != nil {
		stop()
	}
	return e, err
}

// ferretDBBinary is $TORQUE_FERRETDB, else the binary `make ferretdb`
// caches.
func ferretDBBinary() (string, error) {
	if bin := os.Getenv("TORQUE_FERRETDB"); bin != "" {
		return bin, nil
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		cache = filepath.Join(home, ".cache")
	}
	bin := filepath.Join(cache, "torque", "ferretdb-v1.24.0", "ferretdb")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("no FerretDB binary at %s: run `make ferretdb`, or set TORQUE_FERRETDB or TORQUE_TEST_URI", bin)
	}
	return bin, nil
}

// startFerretDB runs FerretDB with the SQLite handler on a free loopback
// port and a throwaway data directory, with the flags of
// scripts/testservers.sh (logging at warn), and waits until it accepts
// connections. stop kills it and removes the directory.
func startFerretDB(ctx context.Context) (uri string, stop func() error, err error) {
	bin, err := ferretDBBinary()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "torque-bench-ferretdb-")
	if err != nil {
		return "", nil, err
	}
	addr, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	cmd := exec.Command(bin, "--handler=sqlite", "--sqlite-url=file:"+dir+"/data/",
		"--state-dir="+dir+"/state", "--listen-addr="+addr, "--debug-addr=-",
		"--telemetry=disable", "--log-level=warn")
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	os.MkdirAll(filepath.Join(dir, "state"), 0o755)
	var out bytes.Buffer // read only after the process has exited
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() error {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		return os.RemoveAll(dir)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return "mongodb://" + addr + "/", stop, nil
		}
		select {
		case err := <-exited:
			os.RemoveAll(dir)
			return "", nil, fmt.Errorf("ferretdb exited at start: %v: %s", err, lastLines(out.String(), 10))
		case <-ctx.Done():
			stop()
			return "", nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, errors.New("ferretdb did not accept connections within 30s")
		}
	}
}

// freePort returns a loopback address whose port was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
