package pool

import (
	"context"
	"time"
)

// background is the pool's one long-lived goroutine. Each run (after
// MaintainInterval, or at once when Ready or Clear wakes it) closes idle
// connections that perished and starts establishing connections until
// MinPoolSize is met, at most MaxConnecting at a time. It ends when the
// pool closes.
func (p *Pool) background() {
	defer p.wg.Done()
	d := p.cfg.maintainInterval()
	if d < 0 {
		<-p.ctx.Done() // no runs at all
		return
	}
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-p.wake:
		case <-t.C:
		}
		p.maintain()
	}
}

// maintain is one background run: it does what it can now and returns.
func (p *Pool) maintain() {
	now := p.clock.Now()
	p.mu.Lock()
	if p.state == stateClosed {
		p.mu.Unlock()
		return
	}
	var gone []closing
	kept := p.idle[:0]
	for _, c := range p.idle {
		if reason := p.perishedLocked(c, now); reason != "" {
			p.removeLocked(c)
			gone = append(gone, closing{c, reason})
			continue
		}
		kept = append(kept, c)
	}
	clear(p.idle[len(kept):])
	p.idle = kept
	var starts []*pending
	for p.state == stateReady && p.total < p.cfg.MinPoolSize && p.canCreateLocked() {
		pd := p.newPendingLocked()
		pd.background = true
		p.bgPending++
		p.nextID++
		pd.id, pd.created = p.nextID, now
		starts = append(starts, pd)
	}
	d := p.dispatchLocked()
	d.closing = append(gone, d.closing...)
	p.mu.Unlock()
	p.finishDispatch(d)
	for _, pd := range starts {
		p.emit(Event{Type: ConnectionCreated, ConnectionID: pd.id})
		p.wg.Add(1)
		go p.populate(pd)
	}
}

// populate establishes one connection to keep MinPoolSize and makes it
// idle. It is owned by the pool's WaitGroup and ends with Close.
func (p *Pool) populate(pd *pending) {
	defer p.wg.Done()
	ctx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	p.mu.Lock()
	pd.cancel = cancel
	interrupted := pd.interrupted
	p.mu.Unlock()
	if interrupted {
		cancel()
	}
	c, err := p.connectBackground(ctx)
	if err != nil {
		_ = p.establishFailed(pd, err)
		return
	}
	p.emit(Event{Type: ConnectionReady, ConnectionID: pd.id, Duration: time.Since(pd.created)})
	p.mu.Lock()
	reason := p.adoptLocked(pd, c)
	if reason == "" && p.staleLocked(c) {
		reason = ReasonStale
	}
	if reason == "" {
		c.state = connIdle
		if p.cfg.MaxIdleTime > 0 {
			c.idleSince = p.clock.Now()
		}
		p.idle = append(p.idle, c)
	} else {
		p.removeLocked(c)
	}
	d := p.dispatchLocked()
	p.mu.Unlock()
	p.finishDispatch(d)
	if reason != "" {
		p.closeConn(c, reason, nil)
	}
	if p.needsMore() {
		p.wakeBackground()
	}
}

// needsMore reports whether MinPoolSize is not met yet.
func (p *Pool) needsMore() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state == stateReady && p.total < p.cfg.MinPoolSize
}
