package pool

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/wire"
)

// These tests run against internal/mockserver, which covers what FerretDB
// lacks: compression, load balancers, scripted network faults.

func TestHandshakeLegacyThenHello(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	c := dialT(t, srv.Addr(), &ConnConfig{AppName: "pool-test", Compressors: []string{"zstd"}})
	d := c.Description()
	if d.MaxWireVersion != 21 || !d.HelloOK || d.ConnectionID == 0 {
		t.Fatalf("description: %+v", d)
	}
	if d.MaxBSONObjectSize != 16*1024*1024 || d.MaxMessageSizeBytes != 48_000_000 || d.MaxWriteBatchSize != 100_000 {
		t.Fatalf("limits: %+v", d)
	}
	if d.Compressor != "" {
		t.Fatalf("compressor %q negotiated with a server that offers none", d.Compressor)
	}
	hellos := srv.CommandsNamed("isMaster")
	if len(hellos) != 1 || hellos[0].OpCode != wire.OpQuery {
		t.Fatalf("first message: want one OP_QUERY isMaster, got %v", hellos)
	}
	h := hellos[0]
	if ok, _ := h.Lookup("helloOk").Boolean(); !ok {
		t.Error("isMaster lacks helloOk: true")
	}
	if name, _ := h.Lookup("client", "driver", "name").StringValue(); name != DriverName {
		t.Errorf("client.driver.name = %q", name)
	}
	if app, _ := h.Lookup("client", "application", "name").StringValue(); app != "pool-test" {
		t.Errorf("client.application.name = %q", app)
	}
	if typ, _ := h.Lookup("client", "os", "type").StringValue(); typ == "" {
		t.Error("client.os.type missing")
	}
	if arr, ok := h.Lookup("compression").Array(); !ok || h.Lookup("compression").String() != `["zstd"]` || len(arr) == 0 {
		t.Errorf("compression = %v", h.Lookup("compression"))
	}
	if len(d.Hello) == 0 || bson.Raw(d.Hello).Lookup("maxWireVersion").IsZero() {
		t.Error("Description.Hello does not hold the reply")
	}

	// A server known to speak hello gets an OP_MSG hello.
	c2 := dialT(t, srv.Addr(), &ConnConfig{HelloOK: true})
	_ = c2
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.Name != "hello" || last.OpCode != wire.OpMsg || last.DB != "admin" {
		t.Fatalf("want an OP_MSG hello on admin, got %v", last)
	}
}

func TestHandshakeStableAPIUsesOPMsg(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	dialT(t, srv.Addr(), &ConnConfig{ServerAPI: &ServerAPI{Version: "1", Strict: true}})
	hs := srv.CommandsNamed("hello")
	if len(hs) != 1 || hs[0].OpCode != wire.OpMsg {
		t.Fatalf("want an OP_MSG hello, got %v", srv.Requests())
	}
	if v, _ := hs[0].Lookup("apiVersion").StringValue(); v != "1" {
		t.Errorf("apiVersion = %q", v)
	}
	if s, _ := hs[0].Lookup("apiStrict").Boolean(); !s {
		t.Error("apiStrict missing")
	}
}

func TestHandshakeLoadBalanced(t *testing.T) {
	lb := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.LoadBalanced}})
	c := dialT(t, lb.Addr(), &ConnConfig{LoadBalanced: true})
	if c.Description().ServiceID == nil || *c.Description().ServiceID != lb.Hello().ServiceID {
		t.Fatalf("serviceId = %v, want %v", c.Description().ServiceID, lb.Hello().ServiceID)
	}
	if ok, _ := lb.CommandsNamed("hello")[0].Lookup("loadBalanced").Boolean(); !ok {
		t.Error("hello lacks loadBalanced: true")
	}

	plain := mockserver.New(t, mockserver.Options{})
	_, err := Dial(testCtx(t), plain.Addr(), &ConnConfig{LoadBalanced: true})
	var ce *ConnError
	if !errors.As(err, &ce) || ce.Stage != StageHello || !strings.Contains(err.Error(), "serviceId") {
		t.Fatalf("want a hello error about serviceId, got %v", err)
	}
}

func TestHandshakeErrorsNameTheStep(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"isMaster", "hello"}, Code: 91, Times: 1})
	_, err := Dial(testCtx(t), srv.Addr(), nil)
	var ce *ConnError
	var cmd *CommandError
	if !errors.As(err, &ce) || ce.Stage != StageHello || !errors.As(err, &cmd) || cmd.Code != 91 {
		t.Fatalf("want a hello *CommandError 91, got %v", err)
	}

	// Nothing listens on a closed listener's port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Dial(testCtx(t), addr, nil)
	if !errors.As(err, &ce) || ce.Stage != StageDial || !ce.Network() || ce.Sent {
		t.Fatalf("want a dial error, got %v", err)
	}
	if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "dial") {
		t.Errorf("error %q names neither the address nor the step", err)
	}
}

func TestConnectTimeoutBoundsTheHandshake(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"isMaster"}, Action: mockserver.Hang})
	// On a loaded machine the timeout may expire before the hello is sent
	// (during the dial): then try again with a longer one. The hello hangs
	// every time, so some attempt times out in it.
	var err error
	var ce *ConnError
	for d := 50 * time.Millisecond; d < 20*time.Second; d *= 2 {
		_, err = Dial(testCtx(t), srv.Addr(), &ConnConfig{ConnectTimeout: d})
		if !errors.As(err, &ce) || ce.Stage != StageDial {
			break
		}
	}
	if !errors.As(err, &ce) || ce.Stage != StageHello || !ce.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a hello timeout, got %v", err)
	}
}

func TestCompressionRoundTrips(t *testing.T) {
	for _, name := range []string{"zstd", "zlib", "snappy"} {
		t.Run(name, func(t *testing.T) {
			srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Compressors: []string{"snappy", "zlib", "zstd"}}})
			level := 9
			c := dialT(t, srv.Addr(), &ConnConfig{Compressors: []string{"bogus", name, "snappy"}, ZlibLevel: &level})
			if c.Description().Compressor != name {
				t.Fatalf("negotiated %q, want %q (first of ours the server has)", c.Description().Compressor, name)
			}
			for range 3 {
				ping(t, testCtx(t), c)
			}
			if buf := wire.GetBuffer(); c.SwapReadBuffer(buf) {
				t.Error("SwapReadBuffer after a compressed reply: the read buffer holds the compressed bytes, not the reply")
			}
			pings := srv.CommandsNamed("ping")
			if len(pings) != 3 {
				t.Fatalf("server saw %d pings", len(pings))
			}
			want, _ := wire.ParseCompressor(name)
			for _, p := range pings {
				if !p.Compressed || p.Compressor != want {
					t.Fatalf("ping arrived compressed=%v with %v, want %v", p.Compressed, p.Compressor, want)
				}
			}
			for _, h := range srv.CommandsNamed("isMaster") {
				if h.Compressed {
					t.Fatal("the handshake was compressed")
				}
			}
		})
	}
}

func TestHandshakeAndAuthAreNeverCompressed(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Compressors: []string{"zlib"}}})
	c := dialT(t, srv.Addr(), &ConnConfig{Compressors: []string{"zlib"}})
	buf := appendCommandMsg(nil, "saslStart", "admin")
	if _, err := c.RoundTrip(testCtx(t), buf); err != nil {
		t.Fatal(err)
	}
	hello := appendCommandMsg(nil, "hello", "admin")
	if _, err := c.RoundTrip(testCtx(t), hello); err != nil {
		t.Fatal(err)
	}
	ping(t, testCtx(t), c)
	for _, r := range srv.Requests() {
		if want := r.Name == "ping"; r.Compressed != want {
			t.Errorf("%s compressed=%v, want %v", r.Name, r.Compressed, want)
		}
	}
}

func TestNetworkErrorMidReadKillsTheConnection(t *testing.T) {
	for _, action := range []mockserver.Action{mockserver.ReplyTruncated, mockserver.CloseAfterRead, mockserver.ReplyGarbage, mockserver.ReplyWrongResponseTo} {
		srv := mockserver.New(t, mockserver.Options{})
		p := newReadyPool(t, srv.Addr(), Config{})
		c1, err := p.Checkout(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Times: 1, Action: action})
		err = tryPing(testCtx(t), c1)
		var ce *ConnError
		if !errors.As(err, &ce) || ce.Stage != StageRead || !ce.Sent || !c1.Dead() {
			t.Fatalf("action %d: want a read error on a dead conn, got %v (dead %v)", action, err, c1.Dead())
		}
		if err := tryPing(testCtx(t), c1); err == nil {
			t.Fatalf("action %d: a dead connection ran a command", action)
		}
		if err := p.CheckIn(c1); err != nil {
			t.Fatal(err)
		}
		c2, err := p.Checkout(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if c2 == c1 || c2.ID() == c1.ID() {
			t.Fatalf("action %d: the dead connection was checked out again", action)
		}
		ping(t, testCtx(t), c2)
		p.CheckIn(c2)
	}
}

func TestContextCancelMidReadClosesTheConnection(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	c := dialT(t, srv.Addr(), nil)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Times: 1, Action: mockserver.Hang})
	ctx, cancel := context.WithCancel(context.Background())
	wctx := testCtx(t)
	go func() { // cancel once the request is out: the read is what is cut
		srv.WaitFor(wctx, "ping", 1)
		cancel()
	}()
	err := tryPing(ctx, c)
	var ce *ConnError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &ce) || ce.Stage != StageRead || !ce.Sent {
		t.Fatalf("want a cancelled read, got %v", err)
	}
	if !c.Dead() {
		t.Fatal("connection still alive after a cancel mid-read")
	}

	// A deadline works the same way, and says it is a timeout. On a loaded
	// machine the deadline may pass before the request is written (the
	// connection then stays usable): try again with a longer one.
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Action: mockserver.Hang})
	var c2 *Conn
	for d := 50 * time.Millisecond; d < 20*time.Second; d *= 2 {
		c2 = dialT(t, srv.Addr(), nil)
		dctx, dcancel := context.WithTimeout(context.Background(), d)
		err = tryPing(dctx, c2)
		dcancel()
		if !errors.As(err, &ce) || ce.Stage != StageWrite || ce.Sent {
			break
		}
	}
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ce) || ce.Stage != StageRead || !ce.Timeout() || !c2.Dead() {
		t.Fatalf("want a deadline error on a dead conn, got %v", err)
	}
}

func TestCancelledBeforeSendKeepsTheConnection(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	c := dialT(t, srv.Addr(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := tryPing(ctx, c)
	var ce *ConnError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &ce) || ce.Sent {
		t.Fatalf("want a cancelled write with nothing sent, got %v", err)
	}
	if c.Dead() {
		t.Fatal("nothing was sent, yet the connection is dead")
	}
	ping(t, testCtx(t), c)
}

func TestUnreadReplyIsNeverReused(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	var mu sync.Mutex
	var closed []Event
	p := newReadyPool(t, srv.Addr(), Config{Monitor: func(e Event) {
		if e.Type == ConnectionClosed {
			mu.Lock()
			closed = append(closed, e)
			mu.Unlock()
		}
	}})
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMessage(testCtx(t), appendCommandMsg(nil, "ping", "admin")); err != nil {
		t.Fatal(err)
	}
	// A second request before the reply is read is refused.
	if err := c.WriteMessage(testCtx(t), appendCommandMsg(nil, "ping", "admin")); err == nil {
		t.Fatal("wrote a request while a reply was due")
	}
	p.CheckIn(c)
	mu.Lock()
	defer mu.Unlock()
	if len(closed) != 1 || closed[0].ConnectionID != c.ID() || closed[0].Reason != ReasonError {
		t.Fatalf("want connection %d closed for error, got %+v", c.ID(), closed)
	}
}

func TestInterruptInUseFailsTheOperation(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	p := newReadyPool(t, srv.Addr(), Config{})
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Times: 1, Action: mockserver.Hang})
	wctx := testCtx(t)
	go func() { // interrupt the read, once the request is out
		srv.WaitFor(wctx, "ping", 1)
		p.Clear(ClearOptions{InterruptInUse: true})
	}()
	err = tryPing(testCtx(t), c)
	if !errors.Is(err, ErrPoolCleared) || !strings.Contains(err.Error(), "interrupted due to server monitor timeout") {
		t.Fatalf("want an interrupted error, got %v", err)
	}
	p.CheckIn(c)
}

func TestUnixSocket(t *testing.T) {
	leakcheck.Check(t)
	srv := mockserver.New(t, mockserver.Options{})
	path := filepath.Join(t.TempDir(), "mongodb-test.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Skipf("no unix sockets here: %v", err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() { // a proxy from the socket to the mock server's TCP port
		defer wg.Done()
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", srv.Addr())
			if err != nil {
				in.Close()
				return
			}
			wg.Add(2)
			go func() { defer wg.Done(); io.Copy(out, in); out.Close() }()
			go func() { defer wg.Done(); io.Copy(in, out); in.Close() }()
		}
	}()
	c, err := Dial(testCtx(t), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ping(t, testCtx(t), c)
	if c.Address() != path {
		t.Errorf("address %q", c.Address())
	}
	c.closeAndRelease()
}

func TestMetadataTruncation(t *testing.T) {
	long := strings.Repeat("p", 600)
	m, err := newMetadata(&ConnConfig{AppName: "app", DriverInfo: []DriverInfo{{Name: "wrapper", Version: "1.0", Platform: long}}})
	if err != nil {
		t.Fatal(err)
	}
	el, err := appendClientMetadata(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	doc := bson.Raw(el[len("\x03client\x00"):])
	if len(doc) > 512 {
		t.Fatalf("client document is %d bytes", len(doc))
	}
	if len(doc) < 500 {
		t.Errorf("truncated too much: %d bytes", len(doc))
	}
	if !doc.Lookup("os", "name").IsZero() || doc.Lookup("os", "type").IsZero() {
		t.Errorf("os should keep only its type: %v", doc.Lookup("os"))
	}
	if name, _ := doc.Lookup("driver", "name").StringValue(); name != "torque|wrapper" {
		t.Errorf("driver.name = %q", name)
	}
	if _, err := newMetadata(&ConnConfig{AppName: strings.Repeat("a", 129)}); err == nil {
		t.Error("a 129-byte appname was accepted")
	}
	if _, err := newMetadata(&ConnConfig{DriverInfo: []DriverInfo{{Name: "a|b"}}}); err == nil {
		t.Error("driver info with '|' was accepted")
	}
	// Short metadata keeps everything.
	m, _ = newMetadata(&ConnConfig{})
	el, _ = appendClientMetadata(nil, m)
	if bson.Raw(el[len("\x03client\x00"):]).Lookup("os", "architecture").IsZero() {
		t.Error("os.architecture dropped without need")
	}
}

func TestMsgBodyFindsTheCommand(t *testing.T) {
	msg, err := wire.AppendMsg(nil, 1, 0, &wire.Msg{
		Body:      mockserver.Doc(bson.KV("insert", "c"), bson.KV("$db", "d")),
		Sequences: []wire.Sequence{{Identifier: "documents", Docs: wire.Documents(mockserver.Doc(bson.KV("a", 1)))}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !compressible(msg) {
		t.Error("insert not compressible")
	}
	hello := appendCommandMsg(nil, "hello", "admin")
	if compressible(hello) {
		t.Error("hello compressible")
	}
	for i := range msg {
		_ = msgBody(msg[:i]) // never panics on a truncated message
	}
}

// newReadyPool makes a ready pool closed at the end of the test.
func newReadyPool(t testing.TB, addr string, cfg Config) *Pool {
	t.Helper()
	p := New(addr, cfg)
	p.Ready()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Close(ctx); err != nil {
			t.Error(err)
		}
	})
	return p
}

// A streaming (exhaust) hello, as a topology monitor runs it: one request,
// replies with moreToCome, read one after another. Checked in mid-stream,
// the connection is closed, never reused.
func TestExhaustHelloStream(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	closed := make(chan string, 1)
	p := newReadyPool(t, srv.Addr(), Config{Monitor: func(e Event) {
		if e.Type == ConnectionClosed {
			closed <- e.Reason
		}
	}})
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	tv, ok := bson.Raw(c.Description().Hello).Lookup("topologyVersion").Document()
	if !ok {
		t.Fatal("hello reply has no topologyVersion")
	}
	start, msg := wire.StartMsg(nil, wire.NextRequestID(), 0, wire.ExhaustAllowed)
	msg = wire.AppendBody(msg, mockserver.Doc(bson.KV("hello", 1), bson.KV("topologyVersion", tv),
		bson.KV("maxAwaitTimeMS", int64(20)), bson.KV("$db", "admin")))
	msg, err = wire.FinishMsg(msg, start)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMessage(testCtx(t), msg); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		m, err := c.ReadReply(testCtx(t))
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if m.Flags&wire.MoreToCome == 0 {
			t.Fatalf("reply %d without moreToCome", i)
		}
	}
	p.CheckIn(c)
	if r := <-closed; r != ReasonError {
		t.Fatalf("closed for %q", r)
	}
}
