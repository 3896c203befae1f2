package mongotest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
)

// TestPartition: a partitioned member neither answers nor closes (the
// client's deadline ends the wait), a healed one answers again, and
// nothing is left running after Close.
func TestPartition(t *testing.T) {
	defer leakcheck.Check(t)
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, "mongodb://"+rs.Hosts()[1]+"/?directConnection=true")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	rs.Partition(1)
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	err = c.Ping(short)
	cancelShort()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ping of a partitioned member: %v, want the context's deadline (no answer, no closed connection)", err)
	}
	rs.Heal(1)
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("ping after Heal: %v", err)
	}
}
