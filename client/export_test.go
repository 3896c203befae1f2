package client

// PinnedTo returns the mongos the session's transaction is pinned to, ""
// when none: a test hook.
func PinnedTo(s *Session) string {
	p, _ := s.cs.Pinned()
	return string(p.Addr)
}

// IdleSessions returns the number of server sessions in the client's
// pool: a test hook.
func IdleSessions(c *Client) int { return c.sessions.Len() }
