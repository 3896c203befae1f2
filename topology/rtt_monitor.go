package topology

import (
	"context"
	"sync"
	"time"

	"github.com/torque-go/torque/pool"
)

// rttStats is one server's round-trip statistics, shared by its monitor
// (which adds handshake and polling samples and resets them on failure) and
// its RTT monitor (which adds samples while the monitor streams).
type rttStats struct {
	mu     sync.Mutex
	avg    RTTAverage
	window RTTWindow
}

func (r *rttStats) add(sample time.Duration) {
	r.mu.Lock()
	r.avg.Add(sample)
	r.window.Add(sample)
	r.mu.Unlock()
}

func (r *rttStats) reset() {
	r.mu.Lock()
	r.avg.Reset()
	r.window.Reset()
	r.mu.Unlock()
}

// get returns the moving average, the minimum of the recent samples and
// their 90th percentile.
func (r *rttStats) get() (avg, min, p90 time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	avg, _ = r.avg.Value()
	return avg, r.window.Min(), r.window.P90()
}

// rttMonitor measures a streaming server's round trip every heartbeat on a
// connection of its own (Server Monitoring, "Measuring RTT"): a streaming
// monitor's replies wait at the server, so they time nothing. It publishes
// no events and never changes the topology; failures just drop its
// connection. Its monitor starts it and stops it.
type rttMonitor struct {
	addr      Address
	cfg       *pool.ConnConfig // the monitor's: no credential
	heartbeat time.Duration
	timeout   time.Duration // connectTimeoutMS for each hello; 0: none
	stats     *rttStats

	cancel context.CancelFunc
	done   chan struct{}

	conn *pool.Conn // owned by the goroutine
	buf  []byte
}

// startRTTMonitor starts the goroutine; stop ends it.
func startRTTMonitor(parent context.Context, m *monitor) *rttMonitor {
	ctx, cancel := context.WithCancel(parent)
	cfg := *m.connCfg // the monitor may change its own copy meanwhile
	r := &rttMonitor{addr: m.addr, cfg: &cfg, heartbeat: m.heartbeat, timeout: m.timeout,
		stats: m.rtt, cancel: cancel, done: make(chan struct{})}
	go r.run(ctx)
	return r
}

// stop ends the goroutine and waits for it.
func (r *rttMonitor) stop() {
	r.cancel()
	<-r.done
}

func (r *rttMonitor) run(ctx context.Context) {
	defer close(r.done)
	defer r.drop()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if sample, err := r.ping(ctx); err == nil {
			r.stats.add(sample)
		} else {
			r.drop()
		}
		timer.Reset(r.heartbeat)
	}
}

// ping times one hello, dialling first when there is no connection (the
// handshake's hello is then the sample).
func (r *rttMonitor) ping(ctx context.Context) (time.Duration, error) {
	if r.conn == nil {
		c, err := pool.Dial(ctx, string(r.addr), r.cfg)
		if err != nil {
			return 0, err
		}
		r.conn = c
		return c.Description().RTT, nil
	}
	if r.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.timeout)
		defer cancel()
	}
	cmd, err := appendHelloCommand(r.buf[:0], r.conn.Description().HelloOK, nil, 0, r.cfg.ServerAPI)
	if err != nil {
		return 0, err
	}
	r.buf = cmd[:0]
	start := time.Now()
	if _, err := r.conn.Command(ctx, "admin", cmd); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func (r *rttMonitor) drop() {
	if r.conn != nil {
		_ = r.conn.Close()
		r.conn = nil
	}
}
