package wirehost

import "errors"

// errPartitioned ends a connection that hung in a partition.
var errPartitioned = errors.New("partitioned")

// Partition cuts the host off the network without closing anything, as a
// network partition does: connections stay open and new ones are
// accepted, but no request is read through to the host and no reply
// leaves it (held hellos included); each connection that meets the
// partition hangs until the client gives up (closes it) or the host
// stops. Heal ends the partition for the requests that come next.
func (s *Server) Partition() {
	s.partitioned.Store(true)
	s.logf("partitioned")
}

// Heal ends a partition (Partition).
func (s *Server) Heal() { s.partitioned.Store(false) }

// Partitioned reports whether the host is partitioned.
func (s *Server) Partitioned() bool { return s.partitioned.Load() }

// swallowed reports whether the connection met a partition, after hanging
// in it until the client or the host closed the connection.
func (c *conn) swallowed() bool {
	if !c.s.partitioned.Load() {
		return false
	}
	c.hang()
	return true
}
