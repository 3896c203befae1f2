package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

const want = `transfer 30: committed
transfer 500: insufficient funds
alice: 70
bob: 50
`

// The program against a mongotest replica set (transactions need one):
// its output is exactly what it should print.
func TestTransactions(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Members: 3})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	var out bytes.Buffer
	if err := run(ctx, c.Database("examples"), &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
