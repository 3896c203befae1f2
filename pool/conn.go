package pool

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// Conn is one established connection to a server: a socket that has
// completed the handshake and authentication. It sends one request at a
// time and reads its reply; it never pipelines.
//
// A Conn is used by one goroutine at a time (the one that checked it out).
// Close and the pool's interruption (Clear with InterruptInUse) are the
// only methods that may run concurrently with an operation.
//
// A Conn that met a network error, a timeout, a context cancellation in the
// middle of a message, or a malformed message is dead: every later
// operation fails at once, and the pool closes it on check-in. A Conn that
// was checked in while a reply was still due (a request written, its reply
// never read; exhaust replies aside while they are being read), or with
// bytes read ahead of any message asked for, is closed too, because the
// next reader would get someone else's reply.
type Conn struct {
	nc   net.Conn
	addr string
	desc Description

	// Compression chosen by the handshake.
	compressor wire.CompressorID
	compress   bool
	zlibLevel  int
	maxMsg     int // largest message read or written

	// Buffers, taken from the wire package's pool when first needed and
	// given back by release (on check-in and close).
	rbuf *[]byte // messages read, and bytes read ahead (reader.go)
	roff int     // start of the bytes in rbuf not returned yet
	// unzipped: the last message read was decompressed into cbuf, so
	// rbuf does not hold it (SwapReadBuffer).
	unzipped bool
	wbuf     *[]byte // commands built by Command
	cbuf     *[]byte // compressed requests, decompressed replies

	deadline time.Time // the deadline last set on nc
	watching bool      // a RoundTrip watches its context
	awaiting bool      // a request was written whose reply has not been read
	expireFn func()    // c.expire, bound once so that watching allocates less

	// socketTimeout is the pool's Config.SocketTimeout (socket_timeout.go);
	// bySocketTimeout says that it, not the context, set deadline.
	socketTimeout   time.Duration
	bySocketTimeout bool

	auth *connAuth // what reauthentication needs; nil without a credential (reauth.go)

	dead        atomic.Bool
	failure     error // the first failure (fail), for the errors of later calls; owner only
	interrupted atomic.Bool
	poolClosed  atomic.Bool   // interrupted because its pool closed
	out         atomic.Bool   // checked out of its pool: CheckIn takes it back once
	pin         atomic.Uint32 // PinKind: what holds it, while checked out

	// Owned by the pool, guarded by its mutex.
	id         int64
	generation uint64
	pool       *Pool
	state      connState
	idleSince  time.Time
	created    time.Time
}

// Description is what the handshake learned about the server and this
// connection. Limits are filled with the MongoDB defaults when the reply
// omits them.
type Description struct {
	Address             string
	MinWireVersion      int32
	MaxWireVersion      int32
	MaxBSONObjectSize   int32          // default and upper bound 16 MiB
	MaxMessageSizeBytes int32          // default and upper bound 48,000,000 (a hello claiming more is not believed)
	MaxWriteBatchSize   int32          // default 100,000
	ConnectionID        int64          // the server's id for this connection ("connectionId")
	ServiceID           *bson.ObjectID // behind a load balancer
	HelloOK             bool           // the server understands OP_MSG hello
	Compressor          string         // negotiated compressor, "" for none
	// Hello is the handshake reply, copied: it stays valid for the life of
	// the Description. Topology monitors parse it with topology.ParseHello.
	Hello bson.Raw
	// RTT is the duration of the handshake's hello round trip.
	RTT time.Duration
}

// Default server limits, used when a hello reply does not give them.
const (
	defaultMaxBSONObjectSize   = 16 * 1024 * 1024
	defaultMaxMessageSizeBytes = wire.DefaultMaxMessageSize
	defaultMaxWriteBatchSize   = 100_000
)

// NewConn wraps an established network connection (the handshake already
// done elsewhere, or not needed) with the description d. Pools use Dial;
// NewConn is for tests and fakes, for example a net.Pipe driven by a
// scripted server.
func NewConn(nc net.Conn, d Description) *Conn {
	c := &Conn{nc: nc, addr: d.Address}
	c.init()
	c.setDescription(d)
	return c
}

func (c *Conn) init() {
	c.expireFn = c.expire
	c.maxMsg = wire.DefaultMaxMessageSize
	c.zlibLevel = wire.ZlibDefaultLevel
}

func (c *Conn) setDescription(d Description) {
	if d.MaxBSONObjectSize <= 0 {
		d.MaxBSONObjectSize = defaultMaxBSONObjectSize
	}
	if d.MaxMessageSizeBytes <= 0 {
		d.MaxMessageSizeBytes = defaultMaxMessageSizeBytes
	}
	if d.MaxWriteBatchSize <= 0 {
		d.MaxWriteBatchSize = defaultMaxWriteBatchSize
	}
	boundLimits(&d)
	c.maxMsg = int(d.MaxMessageSizeBytes)
	if id, ok := wire.ParseCompressor(d.Compressor); ok && d.Compressor != "" {
		c.compressor, c.compress = id, true
	}
	c.desc = d
}

// ID returns the pool's id for the connection (1, 2, ... in order of
// creation within a pool; 0 outside a pool).
func (c *Conn) ID() int64 { return c.id }

// Address returns the server address the connection is to.
func (c *Conn) Address() string { return c.addr }

// Generation returns the pool generation the connection belongs to.
func (c *Conn) Generation() uint64 { return c.generation }

// Description returns what the handshake learned.
func (c *Conn) Description() *Description { return &c.desc }

// Dead reports whether the connection failed and must not be used again.
func (c *Conn) Dead() bool { return c.dead.Load() }

// Close closes the socket. Closing a checked-out connection is allowed (the
// pool then discards it on check-in) but the usual way to end a pooled
// connection is CheckIn after an error. Close is idempotent.
func (c *Conn) Close() error {
	c.dead.Store(true)
	err := c.nc.Close()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// closeAndRelease closes the socket and hands the buffers back; only the
// owner of the connection calls it.
func (c *Conn) closeAndRelease() {
	_ = c.Close()
	c.release()
}

// release gives the buffers back to the wire pool. Replies read before are
// invalid afterwards.
func (c *Conn) release() {
	c.roff = 0
	for _, b := range []**[]byte{&c.rbuf, &c.wbuf, &c.cbuf} {
		if *b != nil {
			wire.PutBuffer(*b)
			*b = nil
		}
	}
}

// interrupt kills the connection from another goroutine: the operation in
// progress fails with an error that says the pool was cleared (or, when
// closing, closed).
func (c *Conn) interrupt(closing bool) {
	c.poolClosed.Store(closing)
	c.interrupted.Store(true)
	c.dead.Store(true)
	_ = c.nc.Close()
}

// aLongTimeAgo is a deadline in the past: setting it makes a blocked read or
// write return at once.
var aLongTimeAgo = time.Unix(1, 0)

// expire runs on the context's AfterFunc goroutine when the context ends
// during an operation.
func (c *Conn) expire() { _ = c.nc.SetDeadline(aLongTimeAgo) }

// watch prepares an operation bounded by ctx: the socket deadline becomes
// ctx's deadline (none when it has none), and a cancellation of ctx expires
// the socket through context.AfterFunc, without a goroutine per call.
func (c *Conn) watch(ctx context.Context) (stop func() bool, err error) {
	if c.dead.Load() {
		return nil, c.deadError()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.watching {
		return nil, nil // RoundTrip watches both halves at once
	}
	if err := c.setIODeadline(ctx); err != nil {
		return nil, err
	}
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, c.expireFn)
	}
	return stop, nil
}

// unwatch ends what watch began and returns the operation's error with the
// context's error joined to it when the context ended meanwhile. If the
// AfterFunc already ran, the socket's deadline is in the past and the
// stream may be cut in the middle of a message: the connection is dead.
func (c *Conn) unwatch(ctx context.Context, stop func() bool, err error) error {
	if stop != nil && !stop() {
		c.expired(ctx)
	}
	if err == nil {
		return nil
	}
	err = c.socketTimeoutError(ctx, err)
	cerr := ctx.Err()
	if cerr == nil && errors.Is(err, os.ErrDeadlineExceeded) {
		// The socket's deadline, which is ctx's, may fire a moment before
		// ctx itself reports it.
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
			cerr = context.DeadlineExceeded
		}
	}
	if cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	return err
}

// expired books a context that ended while an operation was watching it:
// the AfterFunc has set the socket's deadline in the past (or is about to),
// and the stream may have been cut in the middle of a message, so the
// connection is dead even when the operation itself got through.
func (c *Conn) expired(ctx context.Context) {
	c.deadline = aLongTimeAgo
	c.dead.Store(true)
	if c.failure == nil {
		c.failure = fmt.Errorf("the context ended during an operation: %w", context.Cause(ctx))
	}
}

func (c *Conn) deadError() error {
	if c.interrupted.Load() {
		return &interruptedError{addr: c.addr, closed: c.poolClosed.Load()}
	}
	if c.failure != nil {
		// Not wrapped: a later call did not fail for the same reason
		// (errors.Is(err, context.Canceled) must not hold for it).
		return fmt.Errorf("connection is unusable after an earlier error (%v)", c.failure)
	}
	return errors.New("connection is closed")
}

// fail marks the connection dead and wraps err in a *ConnError.
func (c *Conn) fail(stage Stage, sent bool, err error) error {
	c.dead.Store(true)
	if c.failure == nil {
		c.failure = fmt.Errorf("%s: %w", stage, err)
	}
	if c.interrupted.Load() {
		var ie *interruptedError
		if !errors.As(err, &ie) {
			err = fmt.Errorf("%w: %w", &interruptedError{addr: c.addr, closed: c.poolClosed.Load()}, err)
		}
	}
	return &ConnError{Addr: c.addr, ConnID: c.id, Generation: c.generation, Stage: stage, Sent: sent, Err: err}
}

// WriteMessage sends msg, one whole message (header included), compressed
// when compression was negotiated and the command may be compressed. A
// request without the moreToCome flag makes a reply due: read it with
// ReadReply before the connection is used for anything else or checked in.
func (c *Conn) WriteMessage(ctx context.Context, msg []byte) error {
	return markContext(ctx, c.writeMessage(ctx, msg))
}

func (c *Conn) writeMessage(ctx context.Context, msg []byte) error {
	if c.awaiting {
		return c.fail(StageWrite, false, errors.New("a reply to the previous request is still unread"))
	}
	if len(msg) < wire.HeaderLen {
		return &ConnError{Addr: c.addr, ConnID: c.id, Generation: c.generation, Stage: StageWrite,
			Err: fmt.Errorf("message of %d bytes is shorter than a header", len(msg))}
	}
	if len(msg) > c.maxMsg {
		return &ConnError{Addr: c.addr, ConnID: c.id, Generation: c.generation, Stage: StageWrite,
			Err: fmt.Errorf("message of %d bytes exceeds maxMessageSizeBytes %d", len(msg), c.maxMsg)}
	}
	out, err := c.maybeCompress(msg)
	if err != nil {
		return &ConnError{Addr: c.addr, ConnID: c.id, Generation: c.generation, Stage: StageWrite, Err: err}
	}
	stop, err := c.watch(ctx)
	if err != nil {
		return &ConnError{Addr: c.addr, ConnID: c.id, Generation: c.generation, Stage: StageWrite, Err: err}
	}
	n, err := c.nc.Write(out)
	if err = c.unwatch(ctx, stop, err); err != nil {
		return c.fail(StageWrite, n > 0, err)
	}
	c.awaiting = !msgMoreToCome(msg)
	return nil
}

// maybeCompress returns msg, or its OP_COMPRESSED form in c.cbuf.
func (c *Conn) maybeCompress(msg []byte) ([]byte, error) {
	if !c.compress || !compressible(msg) {
		return msg, nil
	}
	if c.cbuf == nil {
		c.cbuf = wire.GetBuffer()
	}
	out, err := wire.Compress((*c.cbuf)[:0], msg, c.compressor, c.zlibLevel)
	if err != nil {
		return nil, err
	}
	*c.cbuf = out[:0]
	return out, nil
}

// ReadMessage reads the next message, decompressing an OP_COMPRESSED. The
// bytes are the connection's buffer: valid until the next read on c or
// its check-in.
func (c *Conn) ReadMessage(ctx context.Context) (wire.Header, []byte, error) {
	h, msg, err := c.readMessage(ctx)
	return h, msg, markContext(ctx, err)
}

func (c *Conn) readMessage(ctx context.Context) (wire.Header, []byte, error) {
	stop, err := c.watch(ctx)
	if err != nil {
		return wire.Header{}, nil, c.fail(StageRead, true, err)
	}
	h, msg, err := c.readFrame()
	if err = c.unwatch(ctx, stop, err); err != nil {
		return h, nil, c.fail(StageRead, true, err)
	}
	c.unzipped = h.OpCode == wire.OpCompressed
	if c.unzipped {
		if c.cbuf == nil {
			c.cbuf = wire.GetBuffer()
		}
		out, err := wire.Decompress((*c.cbuf)[:0], msg, c.maxMsg)
		if err != nil {
			return h, nil, c.fail(StageRead, true, err)
		}
		*c.cbuf = out[:0]
		msg = out
		h, _ = wire.ParseHeader(msg)
	}
	return h, msg, nil
}

// ReadReply reads the reply due on c, an OP_MSG, and returns it parsed;
// its slices alias the connection's buffer (valid until the next read or
// the check-in). A reply with the moreToCome flag leaves another reply due
// (exhaust streaming): keep reading.
func (c *Conn) ReadReply(ctx context.Context) (wire.Msg, error) {
	_, m, err := c.readReply(ctx)
	return m, markContext(ctx, err)
}

func (c *Conn) readReply(ctx context.Context) (wire.Header, wire.Msg, error) {
	if !c.awaiting {
		return wire.Header{}, wire.Msg{}, c.fail(StageRead, false, errors.New("no reply is due: nothing was sent"))
	}
	h, msg, err := c.ReadMessage(ctx)
	if err != nil {
		return h, wire.Msg{}, err
	}
	if h.OpCode != wire.OpMsg {
		return h, wire.Msg{}, c.fail(StageRead, true, fmt.Errorf("reply is an %s, want OP_MSG", h.OpCode))
	}
	m, err := wire.ParseMsg(msg)
	if err != nil {
		return h, wire.Msg{}, c.fail(StageRead, true, err)
	}
	c.awaiting = m.Flags&wire.MoreToCome != 0
	return h, m, nil
}

// RoundTrip sends the OP_MSG request msg and returns its reply (see
// ReadReply for how long it stays valid). A request with the moreToCome
// flag expects no reply: RoundTrip then returns a zero Msg.
func (c *Conn) RoundTrip(ctx context.Context, msg []byte) (wire.Msg, error) {
	stop, err := c.watch(ctx)
	if err != nil {
		return wire.Msg{}, markContext(ctx, &ConnError{Addr: c.addr, ConnID: c.id, Generation: c.generation, Stage: StageWrite, Err: err})
	}
	c.watching = true
	m, err := c.roundTrip(ctx, msg)
	c.watching = false
	if stop != nil && !stop() {
		c.expired(ctx)
	}
	return m, markContext(ctx, err)
}

func (c *Conn) roundTrip(ctx context.Context, msg []byte) (wire.Msg, error) {
	if err := c.WriteMessage(ctx, msg); err != nil {
		return wire.Msg{}, err
	}
	if !c.awaiting {
		return wire.Msg{}, nil
	}
	if err := c.readDeadline(ctx); err != nil {
		return wire.Msg{}, c.fail(StageRead, true, err)
	}
	h, m, err := c.readReply(ctx)
	if err != nil {
		return m, err
	}
	if reqID := int32(binary.LittleEndian.Uint32(msg[4:])); h.ResponseTo != reqID {
		return wire.Msg{}, c.fail(StageRead, true, fmt.Errorf("reply answers request %d, want %d", h.ResponseTo, reqID))
	}
	return m, nil
}

// Command runs one command document (which must hold "$db") against db and
// returns the reply's body, its structure validated (strings are not
// checked for UTF-8), in the connection's buffer (valid
// until the next operation or check-in). A reply with ok: 0 is returned as
// it is, without an error: the caller interprets it. It implements
// auth.Commander.
func (c *Conn) Command(ctx context.Context, db string, cmd []byte) (bson.Raw, error) {
	_ = db // the command's own "$db" names it
	if c.wbuf == nil {
		c.wbuf = wire.GetBuffer()
	}
	start, dst := wire.StartMsg((*c.wbuf)[:0], wire.NextRequestID(), 0, 0)
	dst = wire.AppendBody(dst, cmd)
	dst, err := wire.FinishMsg(dst, start)
	*c.wbuf = dst[:0]
	if err != nil {
		return nil, &ConnError{Addr: c.addr, ConnID: c.id, Generation: c.generation, Stage: StageWrite, Err: err}
	}
	m, err := c.RoundTrip(ctx, dst)
	if err != nil {
		return nil, err
	}
	body := bson.Raw(m.Body)
	if err := body.ValidateStructure(); err != nil {
		return nil, c.fail(StageRead, true, err)
	}
	return body, nil
}

// msgMoreToCome reports whether msg is an OP_MSG with the moreToCome flag
// (no reply will come).
func msgMoreToCome(msg []byte) bool {
	if len(msg) < wire.HeaderLen+4 || wire.OpCode(binary.LittleEndian.Uint32(msg[12:])) != wire.OpMsg {
		return false
	}
	return wire.MsgFlags(binary.LittleEndian.Uint32(msg[16:]))&wire.MoreToCome != 0
}

// compressible reports whether msg may go compressed: an OP_MSG whose body
// names a command outside the handshake and authentication.
func compressible(msg []byte) bool {
	if len(msg) < wire.HeaderLen+5 || wire.OpCode(binary.LittleEndian.Uint32(msg[12:])) != wire.OpMsg {
		return false
	}
	body := msgBody(msg)
	return body != nil && wire.CanCompressBody(body)
}

// msgBody finds the kind-0 section of an OP_MSG without a full parse: the
// sections before it are skipped by their sizes. nil when absent.
func msgBody(msg []byte) []byte {
	off := wire.HeaderLen + 4
	for off < len(msg) {
		kind := msg[off]
		if off+5 > len(msg) {
			return nil
		}
		size := int(binary.LittleEndian.Uint32(msg[off+1:]))
		if kind == 0 {
			if size < 5 || off+1+size > len(msg) {
				return nil
			}
			return msg[off+1 : off+1+size]
		}
		if size < 5 || off+1+size > len(msg) {
			return nil
		}
		off += 1 + size
	}
	return nil
}
