package srv

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/torque-go/torque/connstring"
)

// Default rescan intervals.
const (
	// DefaultRescanInterval is rescanSRVIntervalMS: the least time between
	// two rescans that found hosts.
	DefaultRescanInterval = 60 * time.Second
	// DefaultRetryInterval follows a rescan that found nothing usable: the
	// spec uses heartbeatFrequencyMS, whose default is 10s.
	DefaultRetryInterval = 10 * time.Second
)

// PollerConfig configures a Poller. Zero values mean the defaults.
type PollerConfig struct {
	Config // the resolver and host check, as for Resolve
	// ConnString is the mongodb+srv connection string: its SRV host,
	// srvServiceName and srvMaxHosts.
	ConnString *connstring.ConnString
	// Interval is the least time between rescans that succeed, measured from
	// the end of the previous one; a TTLResolver's larger TTL wins.
	Interval time.Duration
	// RetryInterval replaces Interval while rescans fail or find no
	// verified host; set it to heartbeatFrequencyMS.
	RetryInterval time.Duration
	// OnUpdate receives the new host list ("host:port") whenever a rescan
	// changes it. It runs on the poller's goroutine; it must not call Stop.
	OnUpdate func(hosts []string)
	// OnError, if set, hears why a rescan changed nothing (DNS error, no
	// verified record). The spec says such rescans must not raise errors.
	OnError func(error)
}

// Poller rescans the SRV records of a mongodb+srv string on its own
// goroutine and reports host list changes. Its creator (the topology, while
// it is Sharded or Unknown) owns it and must call Stop.
type Poller struct {
	cfg    PollerConfig
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once

	hosts []string // the current list; touched only by the goroutine
}

// NewPoller starts polling. hosts is the current seed list (Result.Seeds);
// the first rescan happens one interval from now. It fails only when
// cfg.ConnString is not a mongodb+srv string with its one host.
func NewPoller(cfg PollerConfig, hosts []string) (*Poller, error) {
	if cfg.ConnString == nil || !cfg.ConnString.IsSRV() || len(cfg.ConnString.Hosts) != 1 {
		return nil, &Error{Name: "connection string", Msg: "a Poller needs a mongodb+srv connection string with one host"}
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultRescanInterval
	}
	if cfg.RetryInterval <= 0 {
		cfg.RetryInterval = DefaultRetryInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Poller{cfg: cfg, cancel: cancel, done: make(chan struct{}), hosts: append([]string(nil), hosts...)}
	go p.run(ctx)
	return p, nil
}

// Stop ends the goroutine and waits for it, or for ctx. A look-up in flight
// is cancelled. Stop is safe to call more than once.
func (p *Poller) Stop(ctx context.Context) error {
	p.once.Do(p.cancel)
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Poller) run(ctx context.Context) {
	defer close(p.done)
	wait := p.cfg.Interval
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		wait = p.rescan(ctx)
		timer.Reset(wait)
	}
}

// rescan does one look-up, updates the host list, and returns the wait
// before the next.
func (p *Poller) rescan(ctx context.Context) time.Duration {
	cs := p.cfg.ConnString
	found, ttl, err := p.cfg.lookupSeeds(ctx, serviceName(cs), cs.Hosts[0].Name, true)
	if ctx.Err() != nil {
		return p.cfg.RetryInterval
	}
	if err != nil {
		if p.cfg.OnError != nil {
			p.cfg.OnError(err)
		}
		return p.cfg.RetryInterval
	}
	if next := update(p.hosts, found, maxHosts(cs)); !sameSet(next, p.hosts) {
		p.hosts = next
		if p.cfg.OnUpdate != nil {
			p.cfg.OnUpdate(append([]string(nil), next...))
		}
	}
	return max(p.cfg.Interval, ttl)
}

// update applies the spec's rules: hosts no longer returned leave, hosts
// still returned stay untouched, and new hosts join (at random, up to
// maxHosts when that is positive).
func update(current, found []string, maxHosts int) []string {
	valid := make(map[string]bool, len(found))
	for _, h := range found {
		valid[h] = true
	}
	var next []string
	kept := map[string]bool{}
	for _, h := range current {
		if valid[h] {
			next = append(next, h)
			kept[h] = true
		}
	}
	var fresh []string
	for _, h := range found {
		if !kept[h] {
			fresh = append(fresh, h)
		}
	}
	rand.Shuffle(len(fresh), func(i, j int) { fresh[i], fresh[j] = fresh[j], fresh[i] })
	for _, h := range fresh {
		if maxHosts > 0 && len(next) >= maxHosts {
			break
		}
		next = append(next, h)
	}
	return next
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[string]bool, len(a))
	for _, h := range a {
		in[h] = true
	}
	for _, h := range b {
		if !in[h] {
			return false
		}
	}
	return true
}
