package mongotest

import (
	"github.com/torque-go/torque/internal/wirehost"
)

// replSetCommand answers replSetFreeze and replSetStepDown, as a member
// of a replica set does. A step-down elects the next member at once (a
// real set elects one within its election timeout); the frozen member and
// the stepped-down one are not kept from a later election.
func (m *member) replSetCommand(req *wirehost.Request) wirehost.Reply {
	if req.DB != "admin" {
		return errorReply(cmdErrorf(13, "Unauthorized", "%s may only be run against the admin database.", req.Name))
	}
	if m.router != nil {
		return errorReply(cmdErrorf(59, "CommandNotFound", "no such command: '%s'", req.Name))
	}
	role := m.host.Load().Hello().Role
	if m.rs == nil || role == wirehost.Standalone {
		return errorReply(cmdErrorf(76, "NoReplicationEnabled", "not running with --replSet"))
	}
	switch req.Name {
	case "replSetFreeze":
		if role == wirehost.Primary {
			return errorReply(cmdErrorf(95, "NotSecondary", "cannot freeze node when primary or running for election. state: Primary"))
		}
	case "replSetStepDown":
		if role != wirehost.Primary {
			return m.withTopologyVersion(wirehost.Error(10107, "NotWritablePrimary", "not primary so can't step down"))
		}
		if err := m.rs.Elect((m.index + 1) % len(m.rs.members)); err != nil {
			return errorReply(cmdErrorf(1, "InternalError", "stepping down: %v", err))
		}
	}
	return wirehost.OK()
}
