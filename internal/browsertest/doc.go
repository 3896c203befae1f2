// Package browsertest drives a real headless Chromium from tests, over
// the Chrome DevTools Protocol, with the standard library only: a small
// WebSocket client (websocket.go), a protocol session that matches
// replies to calls (cdp.go), the browser process (browser.go) and a tab
// (page.go) with what tests need: Navigate, Eval (JavaScript, awaiting
// promises), Text (what a person reads), WaitFor (poll an expression),
// SetInputFiles (the file dialog), DisableCache and Screenshot.
//
//	b := browsertest.New(t)          // skips without Chromium; fails under CI=true
//	p := b.NewPage()
//	p.Navigate(srv.URL + "/pages/page-one")
//	if p.Text() != "Hello!" { ... }
//	p.Screenshot("page-one")         // a PNG in the screenshot directory, logged
//
// The browser is Debian's chromium (`make browser` installs it), or
// $TORQUE_CHROMIUM. Each Browser is its own process with a throwaway
// profile, killed and removed by the test's cleanup. Screenshots go to
// $TORQUE_SCREENSHOTS, else a temporary directory made once per test
// process and kept, for whoever wants to look; each path is logged.
//
// Concurrency: a Page and a Browser are used by one test goroutine. Each
// protocol session has one reader goroutine, which close ends and waits
// for; the browser's stderr reader ends with the process.
//
// # Files
//
//	doc.go        this overview
//	websocket.go  the WebSocket client (RFC 6455: handshake, frames, ping, close)
//	cdp.go        a DevTools protocol session: Call, with replies matched by id
//	browser.go    Find, Browser: the process, its DevTools address, cleanup; screenshots' directory
//	page.go       Page: Navigate, Eval, Text, WaitFor, Screenshot, SetInputFiles, DisableCache
package browsertest
