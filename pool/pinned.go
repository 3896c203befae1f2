package pool

import "fmt"

// PinKind says what holds a checked-out connection beyond one operation
// behind a load balancer, where a cursor and a transaction keep the
// connection they started on: the wait-queue timeout error counts each
// kind, as the load-balancers specification asks.
type PinKind uint32

// The kinds of holders.
const (
	PinNone        PinKind = iota // an operation in progress
	PinCursor                     // a cursor's getMore and killCursors
	PinTransaction                // the commands of a transaction
)

// Pin records what holds the checked-out connection; CheckIn forgets it.
func (c *Conn) Pin(kind PinKind) { c.pin.Store(uint32(kind)) }

// pinCountsLocked describes the connections in use by holder, for the
// wait-queue timeout error of a load-balanced pool.
func (p *Pool) pinCountsLocked() string {
	var n [3]int
	for c := range p.conns {
		if c.state == connInUse {
			if k := c.pin.Load(); int(k) < len(n) {
				n[k]++
			}
		}
	}
	return fmt.Sprintf("connections in use by cursors: %d, connections in use by transactions: %d, connections in use by other operations: %d",
		n[PinCursor], n[PinTransaction], n[PinNone])
}
