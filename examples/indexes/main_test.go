package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

const want = `created: [email_1 last_1_first_1]
index _id_ on {"_id":1} unique=false
index email_1 on {"email":1} unique=true
index last_1_first_1 on {"last":1,"first":1} unique=false
duplicate key: the email is taken (write error code 11000)
matched 1, modified 1, upserted <nil>
`

// The program against mongotest, the in-process server: its output is
// exactly what it should print.
func TestIndexes(t *testing.T) {
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
