// Package clock holds the driver's one way to wait: Sleep, a pause that
// the caller's context can end early. The executor's overload backoff,
// the OIDC retry pause and WithTransaction's backoff all use it.
//
// # Files
//
//	doc.go      this overview
//	sleep.go    Sleep
//	sleep_test.go its tests
//
// Sleep is safe for concurrent use and starts no goroutine.
package clock
