package mongotest

import (
	"github.com/torque-go/torque/internal/wirehost"
)

// transaction is a session's multi-document transaction.
type transaction struct{}

// transactionCommand runs a command of a transaction.
func (s *Server) transactionCommand(m *member, peer *wirehost.Peer, req *wirehost.Request, sess *serverSession, txnNumber int64) wirehost.Reply {
	return errorReply(unsupported("transactions"))
}
