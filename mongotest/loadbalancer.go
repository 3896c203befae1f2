package mongotest

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// loadBalancer is a layer-4 load balancer on a loopback port, as a real
// deployment puts in front of its mongoses (HAProxy, an Envoy, a cloud
// load balancer): each client connection is routed to one backend, in
// turn (round-robin), for its whole life, and the bytes are copied both
// ways untouched. When either side closes, the other is closed too, so a
// mongos behind it sees its client go away (and ends that connection's
// cursors and transactions), and a client sees the mongos's close.
//
// It owns its listener, every connection and the goroutines copying
// them; close stops them all and waits.
type loadBalancer struct {
	ln       net.Listener
	backends []string // the backends' "host:port"
	logf     func(format string, args ...any)

	mu     sync.Mutex
	next   int // the backend of the next connection
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// startLoadBalancer listens on a free loopback port in front of backends.
func startLoadBalancer(backends []string, logf func(string, ...any)) (*loadBalancer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	lb := &loadBalancer{ln: ln, backends: backends, logf: logf, conns: map[net.Conn]struct{}{}}
	lb.wg.Add(1)
	go lb.accept()
	return lb, nil
}

// addr is the load balancer's "127.0.0.1:port".
func (lb *loadBalancer) addr() string { return lb.ln.Addr().String() }

// accept routes each connection until the listener closes.
func (lb *loadBalancer) accept() {
	defer lb.wg.Done()
	for {
		c, err := lb.ln.Accept()
		if err != nil {
			return
		}
		lb.mu.Lock()
		if lb.closed {
			lb.mu.Unlock()
			c.Close()
			return
		}
		backend := lb.backends[lb.next%len(lb.backends)]
		lb.next++
		lb.conns[c] = struct{}{}
		lb.wg.Add(1)
		lb.mu.Unlock()
		go lb.proxy(c, backend)
	}
}

// proxy connects client to backend and copies both ways until either
// side closes; then it closes both.
func (lb *loadBalancer) proxy(client net.Conn, backend string) {
	defer lb.wg.Done()
	defer lb.forget(client)
	server, err := net.DialTimeout("tcp", backend, 10*time.Second)
	if err != nil {
		lb.log("load balancer: cannot reach %s: %v", backend, err)
		return
	}
	if !lb.track(server) {
		return
	}
	defer lb.forget(server)
	done := make(chan struct{})
	go func() { // owned by proxy, which waits for it below
		defer close(done)
		copyUntilClosed(server, client)
	}()
	copyUntilClosed(client, server)
	<-done
}

// copyUntilClosed copies src to dst until one of them fails, then closes
// both, which ends the copy the other way too.
func copyUntilClosed(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// track registers a connection so that close can close it; false when the
// load balancer is closing (the connection is closed then).
func (lb *loadBalancer) track(c net.Conn) bool {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if lb.closed {
		c.Close()
		return false
	}
	lb.conns[c] = struct{}{}
	return true
}

// forget closes a connection and drops it from the books.
func (lb *loadBalancer) forget(c net.Conn) {
	c.Close()
	lb.mu.Lock()
	delete(lb.conns, c)
	lb.mu.Unlock()
}

// close stops listening, closes every connection and waits for the
// goroutines.
func (lb *loadBalancer) close() error {
	lb.mu.Lock()
	lb.closed = true
	err := lb.ln.Close()
	for c := range lb.conns {
		c.Close()
	}
	lb.mu.Unlock()
	lb.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

func (lb *loadBalancer) log(format string, args ...any) {
	if lb.logf != nil {
		lb.logf("mongotest "+lb.addr()+": "+format, args...)
	}
}
