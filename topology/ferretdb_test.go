package topology

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/internal/testenv"
)

// These tests run against FerretDB, a real server (a standalone to the
// driver); the mock server covers replica sets and streaming.

func TestFerretDBStandalone(t *testing.T) {
	cs, err := connstring.Parse(testenv.URI(t))
	if err != nil {
		t.Fatal(err)
	}
	opts, err := FromConnString(cs)
	if err != nil {
		t.Fatal(err)
	}
	opts.HeartbeatFrequency = 50 * time.Millisecond
	topo, _ := openTest(t, opts)
	addr := opts.Seeds[0]
	td := waitFor(t, topo, "FerretDB known, with two RTT samples", func(td TopologyDescription) bool {
		sd, _ := td.Server(addr)
		return sd.Type != ServerUnknown && sd.MinRTT > 0
	})
	sd, _ := td.Server(addr)
	if td.Type != Single || sd.Type != Standalone {
		t.Errorf("FerretDB discovered as %s / %s, want Single / Standalone", td.Type, sd.Type)
	}
	if sd.RTT <= 0 || sd.MaxWireVersion < MinWireVersion {
		t.Errorf("RTT %v, maxWireVersion %d: want a measured RTT and a supported server", sd.RTT, sd.MaxWireVersion)
	}

	s, err := topo.SelectServer(context.Background(), Criteria{ReadPref: ReadPref{Mode: Nearest}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	c, err := s.Checkout(context.Background())
	if err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	if err := ping(context.Background(), c); err != nil {
		t.Errorf("ping: %v", err)
	}
	if err := s.CheckIn(c); err != nil {
		t.Error(err)
	}
}

// ferretDB is a FerretDB process a test starts and stops itself.
type ferretDB struct {
	bin, dir, addr string
	cmd            *exec.Cmd
}

func (f *ferretDB) start(t *testing.T) {
	t.Helper()
	f.cmd = exec.Command(f.bin, "--handler=sqlite", "--sqlite-url=file:"+filepath.Join(f.dir, "data")+"/",
		"--state-dir="+f.dir, "--listen-addr="+f.addr, "--debug-addr=-", "--telemetry=disable", "--log-level=error")
	if err := f.cmd.Start(); err != nil {
		t.Fatalf("starting FerretDB: %v", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", f.addr, time.Second); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			f.stop()
			t.Fatalf("FerretDB does not accept connections on %s", f.addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (f *ferretDB) stop() {
	if f.cmd != nil {
		_ = f.cmd.Process.Kill()
		_ = f.cmd.Wait()
		f.cmd = nil
	}
}

func TestFerretDBRestart(t *testing.T) {
	bin := testenv.FerretDB(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	f := &ferretDB{bin: bin, dir: dir, addr: addr}
	f.start(t)
	t.Cleanup(f.stop)

	topo, _ := openTest(t, Options{Seeds: seeds(addr), HeartbeatFrequency: 50 * time.Millisecond})
	is := func(want ServerType) func(TopologyDescription) bool {
		return func(td TopologyDescription) bool { return typeOf(td, addr) == want.String() }
	}
	waitFor(t, topo, "FerretDB a standalone", is(Standalone))
	s := topo.Server(NewAddress(addr))
	gen := s.Pool().Generation()

	f.stop()
	td := waitFor(t, topo, "FerretDB Unknown after it stopped", is(ServerUnknown))
	if sd, _ := td.Server(NewAddress(addr)); sd.Err == nil {
		t.Error("the Unknown server has no error")
	}
	if s.Pool().Generation() <= gen {
		t.Error("the pool was not cleared when the check failed")
	}

	f.start(t)
	waitFor(t, topo, "FerretDB back on port "+strconv.Quote(addr), is(Standalone))
	sel, err := topo.SelectServer(context.Background(), Criteria{Write: true})
	if err != nil {
		t.Fatalf("selection after the restart: %v", err)
	}
	sel.Release()
}
