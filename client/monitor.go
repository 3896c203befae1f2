package client

import "github.com/torque-go/torque/event"

// CommandMonitor receives an event before each command is sent and after
// its reply or failure, synchronously on the operation's goroutine
// (event.CommandMonitor: Started, Succeeded, Failed). Commands and
// replies of authentication and user-management commands (and of a hello
// carrying speculativeAuthenticate) arrive as empty documents. The
// documents are valid only during the call.
type CommandMonitor = event.CommandMonitor

// The command monitoring events, defined in package event (go doc
// event.CommandStarted shows their fields): the command or reply, the
// database and command names, the request id, the connection ids, the
// server's address, and the duration or failure.
type (
	CommandStartedEvent   = event.CommandStarted
	CommandSucceededEvent = event.CommandSucceeded
	CommandFailedEvent    = event.CommandFailed
)

// MonitorFuncs is a CommandMonitor made of optional functions.
type MonitorFuncs struct {
	OnStarted   func(CommandStartedEvent)
	OnSucceeded func(CommandSucceededEvent)
	OnFailed    func(CommandFailedEvent)
}

func (m MonitorFuncs) Started(e CommandStartedEvent) {
	if m.OnStarted != nil {
		m.OnStarted(e)
	}
}

func (m MonitorFuncs) Succeeded(e CommandSucceededEvent) {
	if m.OnSucceeded != nil {
		m.OnSucceeded(e)
	}
}

func (m MonitorFuncs) Failed(e CommandFailedEvent) {
	if m.OnFailed != nil {
		m.OnFailed(e)
	}
}
