package topology

import (
	"context"

	"github.com/torque-go/torque/srv"
)

// startPoller starts rescanning the SRV records (Options.SRV). The caller
// holds mu. The poller's first rescan comes one interval after Open.
func (t *Topology) startPoller() error {
	seeds := make([]string, 0, len(t.desc.Servers))
	for _, sd := range t.desc.Servers {
		seeds = append(seeds, string(sd.Addr))
	}
	p, err := srv.NewPoller(srv.PollerConfig{
		Config:        t.opts.SRV.DNS,
		ConnString:    t.opts.SRV.ConnString,
		Interval:      t.opts.SRV.Interval,
		RetryInterval: t.opts.heartbeat(),
		OnUpdate:      t.applySeedList,
	}, seeds)
	if err != nil {
		return err
	}
	t.poller = p
	return nil
}

// applySeedList follows a rescan's host list: on the poller's goroutine.
func (t *Topology) applySeedList(hosts []string) {
	addrs := make([]Address, len(hosts))
	for i, h := range hosts {
		addrs[i] = NewAddress(h)
	}
	t.mu.Lock()
	if t.state.Load().closed {
		t.mu.Unlock()
		return
	}
	evs := t.installLocked(ApplySeedList(t.desc, addrs), "")
	t.unlockAndPublish(evs)
}

// stopNow tells p to stop without waiting (Close waits for it later); it
// is safe on any goroutine, the poller's own included.
func stopNow(p *srv.Poller) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = p.Stop(ctx)
}
