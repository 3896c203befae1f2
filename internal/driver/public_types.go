package driver

import (
	pubevent "github.com/torque-go/torque/event"
	"github.com/torque-go/torque/mongoerr"
)

// The command events, the monitor interface and the error types live in
// the public packages event and mongoerr, so that users see their fields
// and their names; the driver uses them under these names.
type (
	CommandStarted   = pubevent.CommandStarted
	CommandSucceeded = pubevent.CommandSucceeded
	CommandFailed    = pubevent.CommandFailed
	Monitor          = pubevent.CommandMonitor

	Error             = mongoerr.CommandError
	WriteError        = mongoerr.WriteError
	WriteConcernError = mongoerr.WriteConcernError
	WriteException    = mongoerr.WriteException
	NetworkError      = mongoerr.NetworkError
)
