package pool_test

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/torque-go/torque/pool"
)

// A pool's life, seen through its events. Connect is replaced by a fake
// that hands out one end of a net.Pipe, so nothing leaves the process.
func Example() {
	var peers []net.Conn
	p := pool.New("db.example:27017", pool.Config{
		MaxPoolSize: 1,
		Connect: func(ctx context.Context, addr string) (*pool.Conn, error) {
			client, server := net.Pipe()
			peers = append(peers, server)
			return pool.NewConn(client, pool.Description{Address: addr}), nil
		},
		Monitor: func(e pool.Event) {
			if e.Reason != "" {
				fmt.Printf("%s (%s)\n", e.Type, e.Reason)
			} else {
				fmt.Println(e.Type)
			}
		},
	})

	_, err := p.Checkout(context.Background())
	fmt.Println("paused:", errors.Is(err, pool.ErrPoolCleared))

	p.Ready()
	c, err := p.Checkout(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("connection", c.ID())
	p.CheckIn(c)
	p.Close(context.Background())

	_, err = p.Checkout(context.Background())
	fmt.Println(err)
	for _, s := range peers {
		s.Close()
	}
	// Output:
	// ConnectionPoolCreated
	// ConnectionCheckOutStarted
	// ConnectionCheckOutFailed (connectionError)
	// paused: true
	// ConnectionPoolReady
	// ConnectionCheckOutStarted
	// ConnectionCreated
	// ConnectionReady
	// ConnectionCheckedOut
	// connection 1
	// ConnectionCheckedIn
	// ConnectionClosed (poolClosed)
	// ConnectionPoolClosed
	// ConnectionCheckOutStarted
	// ConnectionCheckOutFailed (poolClosed)
	// pool: pool for db.example:27017 closed
}
