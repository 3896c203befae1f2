package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

const want = `inserted 3, matched 1, modified 1, upserted 1 (d4), deleted 1
write error at index 1, duplicate key: true; inserted 1
4 items in stock
`

// The program against mongotest, the in-process server: its output is
// exactly what it should print.
func TestBulkWrite(t *testing.T) {
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
