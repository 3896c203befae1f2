package client_test

import (
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
	"github.com/torque-go/torque/pool"
)

// poolEvents records which CMAP event types were published.
type poolEvents struct {
	seen chan pool.EventType
}

func (p *poolEvents) monitor(e pool.Event) {
	select {
	case p.seen <- e.Type:
	default: // the test waits for a few; the rest need no room
	}
}

// waitFor waits up to 10 seconds (the README's bound) until every type
// in want was published.
func (p *poolEvents) waitFor(t *testing.T, want ...pool.EventType) {
	t.Helper()
	missing := map[pool.EventType]bool{}
	for _, w := range want {
		missing[w] = true
	}
	timeout := time.After(10 * time.Second)
	for len(missing) > 0 {
		select {
		case e := <-p.seen:
			delete(missing, e)
		case <-timeout:
			t.Fatalf("after 10s, still waiting for %v", missing)
		}
	}
}

// 4. Background Connection Pooling: a MinPoolSize connection's handshake
// and authentication commands are each bounded by the client's timeoutMS,
// afresh for each. Against a mongotest with a user (the README needs
// authentication); timings ten times the README's (a 150ms block against
// timeoutMS 100 and 200) so that a loaded machine keeps the ratios.
func TestCSOTProseBackgroundPool(t *testing.T) {
	user := mongotest.User{Name: "ada", Password: "pencil"}
	cred := &client.Credential{Username: user.Name, Password: user.Password, PasswordSet: true, Source: "admin"}
	t.Run("timeoutMS used for handshake commands", func(t *testing.T) {
		srv := mongotest.New(t, mongotest.Options{Users: []mongotest.User{user}})
		srv.FailCommand(mongotest.FailPoint{Commands: []string{"saslContinue"}, BlockTime: 150 * time.Millisecond,
			AppName: "timeoutBackgroundPoolTest", Times: 1})
		ev := &poolEvents{seen: make(chan pool.EventType, 64)}
		connect(t, srv.URI(), client.Options{Auth: cred, MinPoolSize: 1, Timeout: 100 * time.Millisecond,
			AppName: "timeoutBackgroundPoolTest", PoolMonitor: ev.monitor})
		ev.waitFor(t, pool.ConnectionCreated, pool.ConnectionClosed)
	})
	t.Run("timeoutMS is refreshed for each handshake command", func(t *testing.T) {
		srv := mongotest.New(t, mongotest.Options{Users: []mongotest.User{user}})
		srv.FailCommand(mongotest.FailPoint{Commands: []string{"hello", "isMaster", "saslContinue"}, BlockTime: 150 * time.Millisecond,
			AppName: "refreshTimeoutBackgroundPoolTest"})
		ev := &poolEvents{seen: make(chan pool.EventType, 64)}
		connect(t, srv.URI(), client.Options{Auth: cred, MinPoolSize: 1, Timeout: 200 * time.Millisecond,
			AppName: "refreshTimeoutBackgroundPoolTest", PoolMonitor: ev.monitor})
		ev.waitFor(t, pool.ConnectionCreated, pool.ConnectionReady)
	})
}
