package client

import "github.com/torque-go/torque/internal/driver"

// CommandMonitor receives an event before each command is sent and after
// its reply or failure, synchronously on the operation's goroutine.
// Commands and replies of authentication and user-management commands
// (and of a hello carrying speculativeAuthenticate) arrive as empty
// documents. The documents are valid only during the call.
type CommandMonitor = driver.Monitor

// The command monitoring events.
type (
	CommandStartedEvent   = driver.CommandStarted
	CommandSucceededEvent = driver.CommandSucceeded
	CommandFailedEvent    = driver.CommandFailed
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
