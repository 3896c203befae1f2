package pool

// waiter is one checkout waiting for a connection. The pool serves waiters
// in arrival order (dispatchLocked): the one at the front gets the next
// idle connection or the next permission to open one. The one exception: a
// waiter promised a connection the background goroutine is establishing
// (minPoolSize) is skipped and waits for it, and those behind it may be
// served first. Exactly one
// of conn, pend and err is set when it is served; ready is closed then.
type waiter struct {
	prev, next *waiter
	queued     bool
	ready      chan struct{}

	conn *Conn    // an idle connection, now in use
	pend *pending // a permission to establish a new connection
	err  error    // the pool was cleared or closed
}

func (w *waiter) served() bool { return w.conn != nil || w.pend != nil || w.err != nil }

// waitQueue is a FIFO of waiters, a doubly linked list so that a waiter
// whose context ends leaves from wherever it is in O(1). Guarded by the
// pool's mutex.
type waitQueue struct {
	head, tail *waiter
	n          int
}

func (q *waitQueue) push(w *waiter) {
	w.prev, w.next = q.tail, nil
	if q.tail != nil {
		q.tail.next = w
	} else {
		q.head = w
	}
	q.tail = w
	w.queued = true
	q.n++
}

func (q *waitQueue) remove(w *waiter) {
	if !w.queued {
		return
	}
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		q.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		q.tail = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
	q.n--
}

// ahead counts the waiters in front of w.
func (q *waitQueue) ahead(w *waiter) int {
	n := 0
	for x := q.head; x != nil && x != w; x = x.next {
		n++
	}
	return n
}

// drain removes every waiter and returns them in order.
func (q *waitQueue) drain() []*waiter {
	var all []*waiter
	for w := q.head; w != nil; {
		next := w.next
		w.prev, w.next, w.queued = nil, nil, false
		all = append(all, w)
		w = next
	}
	q.head, q.tail, q.n = nil, nil, 0
	return all
}
