package driver

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// Executor runs operations: one place for server selection, connection
// checkout, command building, the round trip, error classification, SDAM
// feedback, retries and cluster-time gossip. Its fields are set once, before
// the first Execute; Execute is safe for concurrent use.
type Executor struct {
	Deployment Deployment
	// Sessions is the server-session pool implicit sessions come from;
	// nil sends none.
	Sessions *session.Pool
	// Clock is the client's cluster time; nil gossips nothing.
	Clock *session.Clock
	// Monitor receives command events; nil sends none.
	Monitor Monitor
	// Logger receives command log messages at slog.LevelDebug; nil logs
	// nothing. MaxDocumentLength truncates the logged documents (default
	// 1000 bytes of Extended JSON).
	Logger            Logger
	MaxDocumentLength int

	RetryWrites bool
	RetryReads  bool
	// Overload retries (the client backpressure spec, overload.go):
	// MaxAdaptiveRetries bounds an operation's retries once an attempt met
	// an overload error (package client sets the spec's default,
	// DefaultMaxAdaptiveRetries; zero here allows none);
	// OverloadRetargeting deprioritizes the overloaded server in the
	// retry's selection; RetryTokens, when set, is the client's token
	// bucket (adaptive retries). Jitter (in [0, 1)) and Sleep are seams
	// for tests: nil means math/rand/v2 and a timer.
	MaxAdaptiveRetries  int
	OverloadRetargeting bool
	RetryTokens         *TokenBucket
	Jitter              func() float64
	Sleep               func(ctx context.Context, d time.Duration) error
	// LocalThreshold and HeartbeatFrequency go into selection criteria.
	LocalThreshold     time.Duration
	HeartbeatFrequency time.Duration
	// ServerAPI, when set, is the declared Stable API version, sent with
	// every command (server_api.go).
	ServerAPI *pool.ServerAPI
	// SocketTimeout says the pools' connections have a socket timeout
	// (socketTimeoutMS, pool.Config.SocketTimeout): operations with a
	// timeoutMS (Operation.CSOT) lift it (pool.WithoutSocketTimeout).
	SocketTimeout bool
	// WaitQueueTimeout says the pools bound a checkout's wait
	// (waitQueueTimeoutMS, pool.Config.WaitQueueTimeout): operations with a
	// timeoutMS lift it (pool.WithoutWaitQueueTimeout). Without one there
	// is nothing to lift, and the context is not wrapped.
	WaitQueueTimeout bool
	// SelectionLogger receives the serverSelection component's messages
	// at slog.LevelDebug (selection_log.go); nil logs nothing.
	SelectionLogger Logger
}

// Logger is what the executor needs of a logger (*slog.Logger has it):
// an interface, so that a program that logs nothing links none of slog's
// handlers.
type Logger interface {
	Enabled(ctx context.Context, level slog.Level) bool
	LogAttrs(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr)
}

// execution is the state of one Execute call.
type execution struct {
	op       *Operation
	opID     int64 // the operationId of its log messages
	sess     *session.ClientSession
	implicit bool
	kept     bool // the handler took the implicit session
	prepared bool // prepare ran (on the first attempt that got a connection)
	retry    bool // this operation may be retried
	reauthed bool // the connection was reauthenticated after a 391 (reauth.go)
	// overloaded: an attempt met an overload error, so MaxAdaptiveRetries
	// bounds the retries (overload.go); overloadRetry: the retry under
	// way is allowed by the overload rule alone.
	overloaded, overloadRetry bool
	// sessTimeout is the server's logicalSessionTimeoutMinutes.
	sessTimeout time.Duration
	// The batch being sent: the documents [start, start+n) of op.Batch.
	start, n int
	// noRetryBatch: Batch.Split said the batch may not be retried.
	noRetryBatch bool
	// pre holds documents [preFrom, preFrom+len(preEnds)) already encoded
	// (end offsets in preEnds): when a write needs more than one message,
	// the documents after the first are encoded before it is sent.
	pre     []byte
	preEnds []int
	preFrom int
	// desc is the description of the attempt's connection, for encode and
	// the Command builder (here rather than on the stack, where taking
	// its address for Command would move it to the heap every attempt).
	desc topology.ServerDescription
}

// Execute runs op: once, or once per batch of op.Batch. op.Deadline,
// when set, bounds it (with ctx's own deadline: the earlier wins).
func (x *Executor) Execute(ctx context.Context, op *Operation) error {
	if !op.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, op.Deadline)
		defer cancel()
	}
	if op.CSOT && x.SocketTimeout {
		ctx = pool.WithoutSocketTimeout(ctx) // timeoutMS replaces socketTimeoutMS
	}
	ex := &execution{op: op, sess: op.Session, opID: op.OperationID}
	if ex.opID == 0 {
		ex.opID = NextOperationID()
	}
	if ex.sess != nil && op.Kind != Commit && op.Kind != Abort {
		if err := ex.sess.StartOperation(op.Kind.sessionKind()); err != nil {
			return err
		}
		if op.Kind == Write && !op.WriteConcern.Acknowledged() && !ex.sess.InTransaction() {
			return errors.New("driver: an unacknowledged write (w: 0) cannot run in an explicit session: use an acknowledged write concern or no session")
		}
		if ex.sess.InTransaction() && op.Kind == Read {
			op.ReadPref = topology.ReadPref{Mode: topology.Primary} // a transaction reads from the primary
		}
	}
	defer x.endSession(ex)
	if op.Batch == nil {
		return x.run(ctx, ex)
	}
	return x.runBatches(ctx, ex)
}

// run is one command with its retries (one, or under CSOT as many as
// the time allows: see lastAttempt; after an overload error,
// MaxAdaptiveRetries: overload.go): select, check out, send, classify;
// then the retry rules; then the reply handler.
func (x *Executor) run(ctx context.Context, ex *execution) error {
	ex.prepared, ex.overloaded, ex.overloadRetry = false, false, false
	var first error
	var firstReply *Reply
	var failed []topology.Address
	for attempt := 0; ; attempt++ {
		srv, err := x.selectServer(ctx, ex, failed)
		if err != nil {
			if first != nil && !(ex.op.CSOT && IsTimeout(err)) {
				return x.finish(ex, firstReply, first)
			}
			firstReply.release()
			return x.finish(ex, nil, err)
		}
		x.pin(ex, srv)
		desc := srv.Description()
		if attempt > 0 && !ex.overloadRetry && !x.supportsRetry(ex, &desc) {
			x.done(ex, srv)
			return x.finish(ex, firstReply, first)
		}
		reply, err := x.attempt(ctx, ex, srv)
		x.done(ex, srv)
		x.settle(attempt, err)
		x.labelRetryableWrite(ex, err, &desc)
		retry := err != nil && x.retryDecision(ex, err)
		last := !retry || x.lastAttempt(ctx, ex, attempt)
		if !last && isOverload(err) {
			switch berr := x.backoff(ctx, ex, attempt+1, err); {
			case berr == err:
				last = true // no time or no token for the retry
			case berr != nil: // ctx ended during the wait
				firstReply.release()
				return x.finish(ex, reply, berr)
			}
		}
		if last {
			if retry {
				err = timedOutRetrying(ctx, ex, err)
			}
			if attempt > 0 && err != nil && HasLabel(err, LabelNoWritesPerformed) && first != nil {
				reply.release()
				return x.finish(ex, firstReply, first)
			}
			firstReply.release()
			return x.finish(ex, reply, err)
		}
		if first == nil || !HasLabel(err, LabelNoWritesPerformed) {
			firstReply.release()
			first, firstReply = err, reply
		} else {
			reply.release()
		}
		if x.deprioritize(err, &desc) {
			failed = append(failed, desc.Addr)
		}
		if ex.sess != nil && (ex.op.Kind == Commit || ex.op.Kind == Abort) {
			ex.sess.Unpin() // a retried commit or abort selects its server afresh
		}
	}
}

// done ends the operation's use of a selected (not pinned) server.
func (x *Executor) done(ex *execution, srv Server) {
	if ex.op.Server == nil {
		srv.Done()
	}
}

// finish hands the final reply, if any, to the operation's handler and
// returns the operation's error.
func (x *Executor) finish(ex *execution, r *Reply, err error) error {
	if err != nil && ex.sess != nil {
		err = addTransactionLabels(ex, err)
		unpinAfter(ex, err)
	}
	if r == nil {
		return err
	}
	defer r.release()
	if ex.op.Handle != nil {
		if herr := ex.op.Handle(r); herr != nil && err == nil {
			err = herr
		}
	}
	if r.sessionKept {
		ex.kept = true
	}
	return err
}

// selectServer picks the server for the operation: its own server (a
// cursor's), else one chosen by the deployment: the mongos its session is
// pinned to, else any suitable one, avoiding those a failed attempt used.
func (x *Executor) selectServer(ctx context.Context, ex *execution, avoid []topology.Address) (Server, error) {
	op := ex.op
	if op.Server != nil {
		return op.Server, nil
	}
	c := topology.Criteria{
		// A command with the primary read preference selects as a read
		// (the same servers as a write), so that a failure says so.
		Write:    op.Kind == Write,
		ReadPref: op.ReadPref,
		// Only an aggregate with $out or $merge is a write with a read
		// preference (Operation.ReadPref).
		WriteStage:         op.Kind == Write && op.ReadPref.Mode != topology.Primary,
		Deprioritized:      avoid,
		LocalThreshold:     x.LocalThreshold,
		HeartbeatFrequency: x.HeartbeatFrequency,
	}
	if ex.sess != nil {
		if p, ok := ex.sess.Pinned(); ok {
			c.Only = p.Addr
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.logSelection("Server selection started", ex, &c)
	if x.SelectionLogger != nil {
		// The closure captures copies, not ex or c, which would then
		// escape to the heap on every selection, logger or not.
		logged, op, opID := c, ex.op, ex.opID
		c.Waiting = func(remaining time.Duration, td topology.TopologyDescription) {
			x.logWaiting(op, opID, &logged, remaining, td)
		}
	}
	srv, err := x.Deployment.SelectServer(ctx, c)
	if err != nil {
		var se *ServerSelectionError
		if !errors.As(err, &se) {
			se = &ServerSelectionError{Criteria: c, Err: err} // the deployment failed before selecting
		}
		se.Op = op.Name
		x.logSelection("Server selection failed", ex, &c, slog.String("failure", se.Error()))
		return nil, se
	}
	if x.SelectionLogger != nil {
		x.logSelection("Server selection succeeded", ex, &c, serverAttrs(srv.Description().Addr)...)
	}
	return srv, nil
}

// attempt checks out a connection from srv, prepares the session on the
// first attempt, and runs one round trip.
func (x *Executor) attempt(ctx context.Context, ex *execution, srv Server) (*Reply, error) {
	conn := ex.op.Conn
	if pc := txnConn(ex); conn == nil && pc != nil {
		conn = pc
	}
	if conn == nil {
		cctx := ctx
		if ex.op.CSOT && x.WaitQueueTimeout { // timeoutMS bounds the checkout, not waitQueueTimeoutMS (CSOT spec)
			cctx = pool.WithoutWaitQueueTimeout(ctx)
		}
		var err error
		if conn, err = srv.Connection(cctx); err != nil {
			return nil, err
		}
		conn = pinConn(ex, srv, conn)
	}
	if pc, ok := conn.(*pinnedConn); ok {
		pc.busy = true
		defer pc.idle()
	}
	if !ex.prepared {
		desc := conn.Description()
		if err := x.prepare(ex, &desc); err != nil {
			x.release(ex, conn)
			return nil, err
		}
	}
	ex.reauthed = false
	r, err := x.roundTrip(ctx, ex, srv, conn)
	return x.afterReauth(ctx, ex, srv, conn, r, err)
}

// endSession returns an implicit session to the pool unless a cursor kept
// it.
func (x *Executor) endSession(ex *execution) {
	if ex.implicit && !ex.kept {
		ex.sess.End(ex.sessTimeout)
	}
}
