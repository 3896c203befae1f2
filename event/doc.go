// Package event defines the command monitoring events of the MongoDB
// Command Logging and Monitoring specification: CommandStarted,
// CommandSucceeded and CommandFailed, and CommandMonitor, which receives
// them. Package client re-exports them (client.CommandMonitor,
// client.CommandStartedEvent, ...) and offers client.MonitorFuncs. The
// connection pool's events are pool.Event; the topology's are in package
// topology (topology.Listener).
//
// Events are delivered synchronously on the goroutine that runs the
// operation; the documents they hold are valid only during the call.
//
// # Files
//
//	doc.go      this overview
//	command.go  CommandStarted, CommandSucceeded, CommandFailed, CommandMonitor
package event
