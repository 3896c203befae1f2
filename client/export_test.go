package client

import (
	"context"
	"time"
)

// PinnedTo returns the mongos the session's transaction is pinned to, ""
// when none: a test hook.
func PinnedTo(s *Session) string {
	p, _ := s.cs.Pinned()
	return string(p.Addr)
}

// IdleSessions returns the number of server sessions in the client's
// pool: a test hook.
func IdleSessions(c *Client) int { return c.sessions.Len() }

// SetBackoff replaces the jitter and the wait of the client's overload
// backoff (a virtual clock): a test hook.
func SetBackoff(c *Client, jitter func() float64, sleep func(context.Context, time.Duration) error) {
	c.x.Jitter, c.x.Sleep = jitter, sleep
}

// RetryTokens returns the number of tokens in the client's retry token
// bucket, and sets it to set when set >= 0: a test hook (-1 when the
// client has no bucket).
func RetryTokens(c *Client, set float64) float64 {
	if c.x.RetryTokens == nil {
		return -1
	}
	if set >= 0 {
		c.x.RetryTokens.SetTokens(set)
	}
	return c.x.RetryTokens.Tokens()
}
