package client

import (
	"context"

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
}

// SessionOptions configure StartSession; the zero value is a causally
// consistent session.
type SessionOptions struct {
	// CausalConsistency defaults to true (false with Snapshot).
	CausalConsistency *bool
	// Snapshot reads every read of the session from one snapshot.
	Snapshot bool
	// DefaultTransactionOptions are the defaults of the session's
	// transactions; nil fields take the client's read concern, write
	// concern and read preference.
	DefaultTransactionOptions TransactionOptions
}

// StartSession starts an explicit session. End it with EndSession.
func (c *Client) StartSession(opts ...SessionOptions) (*Session, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	cs, err := session.NewExplicit(c.sessions, session.Options{CausalConsistency: o.CausalConsistency, Snapshot: o.Snapshot,
		DefaultTransactionOptions: o.DefaultTransactionOptions.Inherit(c.transactionDefaults())})
	if err != nil {
		return nil, err
	}
	return &Session{client: c, cs: cs}, nil
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
