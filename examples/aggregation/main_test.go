package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

const want = `ada    2 orders  42.50
grace  1 orders  40.00
alan   1 orders   5.25
client: pipeline stage 0 $sort is a bson.M with 2 keys, which has no order: use bson.D
`

// The program against mongotest, the in-process server: its output is
// exactly what it should print.
func TestAggregation(t *testing.T) {
	srv := mongotest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, srv.URI())
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
