package client

import (
	"context"
	"errors"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/session"
)

// Session is an explicit client session: causally consistent reads (by
// default) and, later, transactions. Pass it to operations through the
// context, with WithSession; every operation of this package reads it
// from there. A Session is not safe for concurrent use: one operation at
// a time.
type Session struct {
	client *Client
	cs     *session.ClientSession
	// defaultTimeout is defaultTimeoutMS (nil: unset): the timeoutMS of
	// commitTransaction, abortTransaction, WithTransaction and EndSession.
	defaultTimeout *time.Duration
	// txnCSOT is set during a WithTransaction with a timeoutMS: the
	// operations of its callback end by txnDeadline (zero: no limit), and
	// txnTimeout is the timeoutMS an abort gets afresh.
	txnCSOT     bool
	txnDeadline time.Time
	txnTimeout  time.Duration
}

// SessionOptions configure StartSession; the zero value is a causally
// consistent session.
type SessionOptions struct {
	// CausalConsistency defaults to true (false with Snapshot).
	CausalConsistency *bool
	// Snapshot reads every read of the session from one snapshot.
	Snapshot bool
	// SnapshotTime, with Snapshot, makes every read of the session read
	// at that cluster time (readConcern atClusterTime) instead of the
	// time the server picks for its first read: pass another snapshot
	// session's SnapshotTime to read what it read. Setting it without
	// Snapshot is an error.
	SnapshotTime *bson.Timestamp
	// DefaultTransactionOptions are the defaults of the session's
	// transactions; nil fields take the client's read concern, write
	// concern and read preference.
	DefaultTransactionOptions TransactionOptions
	// DefaultTimeout is defaultTimeoutMS: the timeoutMS of
	// CommitTransaction, AbortTransaction, WithTransaction and EndSession
	// (0: no limit); nil takes the client's.
	DefaultTimeout *time.Duration
}

// StartSession starts an explicit session. End it with EndSession.
func (c *Client) StartSession(opts ...SessionOptions) (*Session, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	cs, err := session.NewExplicit(c.sessions, session.Options{CausalConsistency: o.CausalConsistency, Snapshot: o.Snapshot,
		SnapshotTime:              o.SnapshotTime,
		DefaultTransactionOptions: o.DefaultTransactionOptions.Inherit(c.transactionDefaults())})
	if err != nil {
		return nil, err
	}
	s := &Session{client: c, cs: cs, defaultTimeout: c.timeout}
	if o.DefaultTimeout != nil {
		s.defaultTimeout = optTimeout(*o.DefaultTimeout)
	}
	return s, nil
}

// EndSession aborts the session's transaction if one is in progress
// (ignoring the outcome) and returns its server session to the client's
// pool. It is idempotent.
func (s *Session) EndSession(ctx context.Context) {
	if s.cs.NeedsAbort() {
		_ = s.AbortTransaction(ctx)
	}
	s.cs.End(0)
}

// UseSession starts a session with opts, runs fn with a context that
// carries it (WithSession) and ends it when fn returns, whatever fn
// returns (a transaction fn left open is aborted). It returns fn's error,
// or StartSession's.
func (c *Client) UseSession(ctx context.Context, fn func(ctx context.Context, s *Session) error, opts ...SessionOptions) error {
	s, err := c.StartSession(opts...)
	if err != nil {
		return err
	}
	defer s.EndSession(ctx)
	return fn(WithSession(ctx, s), s)
}

// NumberSessionsInProgress returns the number of server sessions in use:
// those of explicit sessions that have run a command and are not ended,
// and those of the operations and open cursors that use implicit ones.
// Ended sessions go back to the client's pool and are not counted.
func (c *Client) NumberSessionsInProgress() int { return c.sessions.CheckedOut() }

type sessionKey struct{}

// WithSession returns a context that makes every operation run with it
// use the session s. This is the one way to pass an explicit session.
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// sessionFrom returns the session WithSession put in ctx, or nil.
func sessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// SessionFromContext returns the session WithSession put in ctx, or nil
// (the official driver's mongo.SessionFromContext): in a WithTransaction
// or UseSession callback, the session the callback runs with.
func SessionFromContext(ctx context.Context) *Session { return sessionFrom(ctx) }

// Client returns the client that started the session.
func (s *Session) Client() *Client { return s.client }

// errSessionOfOtherClient is the error of an operation given a session
// that another Client started.
var errSessionOfOtherClient = errors.New("client: the session in the context belongs to another Client")

// ClusterTime returns the highest $clusterTime the session has seen (nil
// before its first reply from a replica set or mongos). Pass it to
// another session's AdvanceClusterTime, with OperationTime to its
// AdvanceOperationTime, to make that session's reads causally follow
// this one's operations. The bytes are the session's: do not modify.
func (s *Session) ClusterTime() bson.Raw { return s.cs.ClusterTime().Raw() }

// AdvanceClusterTime raises the session's cluster time to ct, a
// $clusterTime document from ClusterTime (a lower one is ignored). It is
// gossiped to the server with the session's next command.
func (s *Session) AdvanceClusterTime(ct bson.Raw) error {
	parsed, err := session.ParseClusterTime(ct)
	if err != nil {
		return err
	}
	s.cs.AdvanceClusterTime(parsed)
	return nil
}

// OperationTime returns the operationTime of the session's last reply; ok
// is false before any.
func (s *Session) OperationTime() (ts bson.Timestamp, ok bool) { return s.cs.OperationTime() }

// AdvanceOperationTime raises the session's operation time to ts (a lower
// one is ignored): the session's next read in a causally consistent
// session waits for (afterClusterTime) ts.
func (s *Session) AdvanceOperationTime(ts bson.Timestamp) { s.cs.AdvanceOperationTime(ts) }

// CausalConsistency reports whether the session's reads follow its
// earlier operations.
func (s *Session) CausalConsistency() bool { return s.cs.CausalConsistency() }

// Snapshot reports whether the session reads from one snapshot.
func (s *Session) Snapshot() bool { return s.cs.Snapshot() }

// ID returns the session's lsid, {id: UUID}, once its first operation
// has taken a server session; nil before.
func (s *Session) ID() bson.Raw {
	if ss := s.cs.ServerSession(); ss != nil {
		return ss.ID()
	}
	return nil
}

// TransactionState returns where the session is in the transactions
// specification's state machine: none, starting, in progress, committed
// or aborted.
func (s *Session) TransactionState() session.TxnState { return s.cs.TransactionState() }

// PinnedServer returns the address of the mongos the session's sharded
// transaction is pinned to (or of the load balancer whose connection it
// holds); ok is false when the session is not pinned.
func (s *Session) PinnedServer() (addr string, ok bool) {
	p, ok := s.cs.Pinned()
	return string(p.Addr), ok
}

// Dirty reports whether the session's server session saw a network error:
// it is discarded when the session ends instead of going back to the
// pool. False before the session's first operation.
func (s *Session) Dirty() bool {
	ss := s.cs.ServerSession()
	return ss != nil && ss.Dirty()
}

// SnapshotTime returns the atClusterTime of a snapshot session's reads,
// fixed by its first read; ok is false before it, and for other sessions.
func (s *Session) SnapshotTime() (ts bson.Timestamp, ok bool) { return s.cs.SnapshotTime() }

// transactionDefaults are the client's read concern, write concern and
// read preference, as transaction options.
func (c *Client) transactionDefaults() TransactionOptions {
	var o TransactionOptions
	if c.opts.ReadConcern != (ReadConcern{}) {
		rc := c.opts.ReadConcern
		o.ReadConcern = &rc
	}
	if !c.opts.WriteConcern.IsServerDefault() {
		wc := c.opts.WriteConcern
		o.WriteConcern = &wc
	}
	if c.opts.ReadPreference.Mode != 0 {
		rp := c.opts.ReadPreference
		o.ReadPreference = &rp
	}
	return o
}
