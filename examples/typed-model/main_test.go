package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

const want = `inserted 4 books
found: Dune by Frank Herbert (1965)
before 1970: 1961 Solaris
before 1970: 1965 Dune
before 1970: 1969 The Left Hand of Darkness
Solaris tags: [classic]
years of sf books: [1965 1969 1984]
Ubik: client: no documents in result
`

// The program against mongotest, the in-process server: its output is
// exactly what it should print.
func TestTypedModel(t *testing.T) {
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
