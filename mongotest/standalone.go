package mongotest

import (
	"github.com/torque-go/torque/internal/wirehost"
)

// FailCommand arms a failCommand fail point, as the configureFailPoint
// command does ({configureFailPoint: "failCommand", mode, data});
// FailPoint.Off clears it. For a replica set, see ReplicaSet.FailCommand.
func (s *Server) FailCommand(fp FailPoint) { s.self.fps.set(fp) }

// standaloneCommand runs a command on a standalone server: a change
// stream is refused as MongoDB refuses it (40573); transactions and
// retryable writes are refused by the command set (IllegalOperation).
func (s *Server) standaloneCommand(m *member, peer *wirehost.Peer, req *wirehost.Request) wirehost.Reply {
	if req.Name == "aggregate" {
		stages, _ := req.Lookup("pipeline").Array()
		first, _ := stages.Index(0)
		if d, ok := first.Document(); ok && !d.Lookup("$changeStream").IsZero() {
			return errorReply(cmdErrorf(40573, "Location40573", "The $changeStream stage is only supported on replica sets"))
		}
	}
	return m.inner.Command(peer, req)
}
