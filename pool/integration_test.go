package pool

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/internal/testenv"
	"github.com/torque-go/torque/wire"
)

// Tests against a real server (FerretDB; see TESTSERVER.md): handshake,
// ping, a raw OP_MSG insert and find through pooled connections.

// serverFromURI returns the address and credential of a test URI.
func serverFromURI(t testing.TB, uri string) (string, *auth.Credential) {
	t.Helper()
	cs, err := connstring.Parse(uri)
	if err != nil {
		t.Fatalf("test URI: %v", err)
	}
	if len(cs.Hosts) == 0 {
		t.Fatal("test URI has no host")
	}
	addr := cs.Hosts[0].Addr()
	if cs.Username == "" {
		return addr, nil
	}
	cred, err := auth.Credential{Username: cs.Username, Password: cs.Password, PasswordSet: cs.PasswordSet,
		Source: cs.AuthSource, Mechanism: cs.AuthMechanism}.WithDefaults(cs.Database)
	if err != nil {
		t.Fatal(err)
	}
	return addr, &cred
}

func TestFerretDBHandshakeAndCRUD(t *testing.T) {
	addr, _ := serverFromURI(t, testenv.URI(t))
	p := newReadyPool(t, addr, Config{Conn: ConnConfig{AppName: "pool-integration", Compressors: []string{"zstd", "snappy"}}})
	ctx := testCtx(t)

	c, err := p.Checkout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := c.Description()
	if d.MaxWireVersion < 6 || d.MaxBSONObjectSize == 0 || len(d.Hello) == 0 {
		t.Fatalf("description %+v", d)
	}
	if d.Compressor != "" {
		t.Logf("FerretDB negotiated %q (it offered none before)", d.Compressor)
	}
	ping(t, ctx, c)

	coll := fmt.Sprintf("pool_%d", time.Now().UnixNano())
	buf := wire.GetBuffer()
	defer wire.PutBuffer(buf)
	// insert with the documents in a kind-1 section, as the driver sends it
	start, msg := wire.StartMsg((*buf)[:0], wire.NextRequestID(), 0, 0)
	msg = wire.StartBody(msg)
	doc, msg := bson.AppendDocumentStart(msg)
	msg = bson.AppendStringElement(msg, "insert", coll)
	msg = bson.AppendStringElement(msg, "$db", "pooltest")
	msg, _ = bson.AppendDocumentEnd(msg, doc)
	seq, msg := wire.StartSequence(msg, "documents")
	for i := range 3 {
		d, m := bson.AppendDocumentStart(msg)
		m = bson.AppendInt32Element(m, "_id", int32(i))
		m = bson.AppendStringElement(m, "name", "doc"+strconv.Itoa(i))
		msg, _ = bson.AppendDocumentEnd(m, d)
	}
	msg, err = wire.EndSequence(msg, seq)
	if err != nil {
		t.Fatal(err)
	}
	if msg, err = wire.FinishMsg(msg, start); err != nil {
		t.Fatal(err)
	}
	reply, err := c.RoundTrip(ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := bson.Raw(reply.Body).Lookup("n").AsInt64(); n != 3 {
		t.Fatalf("insert reply %v", bson.Raw(reply.Body))
	}
	p.CheckIn(c)

	// The find runs on the same (pooled) connection.
	c2, err := p.Checkout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.CheckIn(c2)
	if c2 != c {
		t.Errorf("got connection %d, want the idle connection %d back", c2.ID(), c.ID())
	}
	find := appendMsg(nil, "pooltest", func(b []byte) []byte {
		b = bson.AppendStringElement(b, "find", coll)
		return bson.AppendInt32Element(b, "batchSize", 10)
	})
	reply, err = c2.RoundTrip(ctx, find)
	if err != nil {
		t.Fatal(err)
	}
	batch, ok := bson.Raw(reply.Body).Lookup("cursor", "firstBatch").Array()
	if !ok {
		t.Fatalf("find reply %v", bson.Raw(reply.Body))
	}
	vals, _ := batch.Values()
	if len(vals) != 3 {
		t.Fatalf("found %d documents: %v", len(vals), bson.Raw(reply.Body))
	}
	if name, _ := vals[2].Document(); name.Lookup("name").String() != `"doc2"` {
		t.Errorf("third document %v", name)
	}
}

// countingDialer counts the messages written on its connections (the
// connection writes each message with one Write).
type countingDialer struct{ writes atomic.Int64 }

func (d *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	nc, err := defaultDialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: nc, n: &d.writes}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Write(b []byte) (int, error) {
	c.n.Add(1)
	return c.Conn.Write(b)
}

// startFerretDB starts a FerretDB of the test's own with extra flags,
// waits until port accepts connections, and stops it at the end.
func startFerretDB(t *testing.T, port string, flags ...string) {
	t.Helper()
	bin := testenv.FerretDB(t)
	dir := t.TempDir()
	plain := freePort(t)
	args := append([]string{
		"--handler=sqlite", "--sqlite-url=file:" + dir + "/", "--state-dir=" + dir,
		"--listen-addr=127.0.0.1:" + plain, "--telemetry=disable", "--debug-addr=-", "--log-level=warn",
	}, flags...)
	cmd := exec.Command(bin, args...)
	logf, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logf.Close()
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if nc, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
			nc.Close()
			return
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			t.Fatalf("ferretdb exited at start:\n%s", log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("ferretdb did not start within 60s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
