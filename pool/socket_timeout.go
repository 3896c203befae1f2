package pool

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// socketTimeoutMS, the legacy bound on each socket read and write.
//
// Config.SocketTimeout gives every connection of a pool a socket timeout:
// a write, and the read of a reply, must each finish within it (and
// within the context's deadline: the earlier wins). Its expiry is the
// server's slowness, not the caller's doing: a network timeout
// (ConnError.Timeout, never ContextDone), which the retry rules retry and
// SDAM ignores after the handshake. The handshake is bounded by
// ConnectTimeout instead, and monitors' connections (Dial) have none.
//
// An operation under the client-side operation timeout (timeoutMS) lifts
// it: WithoutSocketTimeout marks its context, and only the context's
// deadline bounds its I/O, as the CSOT specification requires.

type noSocketTimeoutKey struct{}

// WithoutSocketTimeout returns ctx marked so that round trips made with it
// ignore the connection's socket timeout (Config.SocketTimeout): the
// executor marks the context of operations that have a timeoutMS.
func WithoutSocketTimeout(ctx context.Context) context.Context {
	return context.WithValue(ctx, noSocketTimeoutKey{}, true)
}

// socketTimeoutLifted reports whether ctx came from WithoutSocketTimeout.
func socketTimeoutLifted(ctx context.Context) bool {
	v, _ := ctx.Value(noSocketTimeoutKey{}).(bool)
	return v
}

// ioDeadline is the deadline of the next read or write: ctx's, or now
// plus the socket timeout when that comes first (then byTimeout is true).
func (c *Conn) ioDeadline(ctx context.Context) (dl time.Time, byTimeout bool) {
	dl, _ = ctx.Deadline()
	if c.socketTimeout <= 0 || socketTimeoutLifted(ctx) {
		return dl, false
	}
	if st := time.Now().Add(c.socketTimeout); dl.IsZero() || st.Before(dl) {
		return st, true
	}
	return dl, false
}

// setIODeadline sets the socket's deadline for the next read or write
// (only when it changes) and remembers whether the socket timeout set it.
func (c *Conn) setIODeadline(ctx context.Context) error {
	dl, byTimeout := c.ioDeadline(ctx)
	c.bySocketTimeout = byTimeout
	if dl.Equal(c.deadline) {
		return nil
	}
	if err := c.nc.SetDeadline(dl); err != nil {
		c.dead.Store(true)
		return err
	}
	c.deadline = dl
	return nil
}

// readDeadline gives the read of a round trip's reply a socket timeout of
// its own (not what the write left of it). A cancellation of ctx whose
// AfterFunc expired the socket before this moved its deadline must not be
// lost: ctx is checked again once the deadline is set.
func (c *Conn) readDeadline(ctx context.Context) error {
	if c.socketTimeout <= 0 || socketTimeoutLifted(ctx) {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.setIODeadline(ctx); err != nil {
		return err
	}
	if ctx.Err() != nil {
		c.expire()
	}
	return nil
}

// socketTimeoutError names socketTimeoutMS in the error of a read or
// write that its deadline cut off (the context still running).
func (c *Conn) socketTimeoutError(ctx context.Context, err error) error {
	if !c.bySocketTimeout || ctx.Err() != nil || !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	return fmt.Errorf("socketTimeoutMS (%v) expired: %w", c.socketTimeout, err)
}
