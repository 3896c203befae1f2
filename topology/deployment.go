package topology

import (
	"context"

	"github.com/torque-go/torque/pool"
)

// Deployment is the topology as the operation executor (internal/driver)
// uses it: select a server, read the description (sessions support,
// for instance). *Topology implements it; tests substitute a fake.
type Deployment interface {
	SelectServer(ctx context.Context, c Criteria) (SelectedServer, error)
	Description() TopologyDescription
}

// SelectedServer is a server that SelectServer chose for one operation.
// *Server implements it. The executor's sequence:
//
//	s, err := d.SelectServer(ctx, crit)
//	defer s.Release()
//	c, err := s.Checkout(ctx)        // handshake errors are handled inside
//	... round trip on c ...
//	if err != nil {
//		e := topology.ToAppError(c, err) // fill Code, Message, TopologyVersion for a server error
//		s.HandleError(e)
//	}
//	s.CheckIn(c)
type SelectedServer interface {
	// Description is the server's current description.
	Description() ServerDescription
	// Checkout takes a connection from the server's pool.
	Checkout(ctx context.Context) (*pool.Conn, error)
	// CheckIn gives it back, also after an error.
	CheckIn(c *pool.Conn) error
	// HandleError feeds an operation's error back to SDAM
	// (app_error.go).
	HandleError(e AppError)
	// Release ends the operation: once per successful SelectServer.
	Release()
}

var (
	_ Deployment     = (*Topology)(nil)
	_ SelectedServer = (*Server)(nil)
)
