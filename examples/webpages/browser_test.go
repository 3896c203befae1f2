package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/browsertest"
	"github.com/torque-go/torque/internal/testenv"
)

// TestPagesInBrowser: what a person sees in Chromium at each URL, with
// the pages stored in FerretDB.
func TestPagesInBrowser(t *testing.T) {
	uri := testenv.URI(t)
	b := browsertest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	suffix := make([]byte, 6)
	rand.Read(suffix)
	db := c.Database("webpages_" + hex.EncodeToString(suffix))
	defer db.Drop(context.Background())
	pages, err := setupDB(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(pages))
	defer srv.Close()

	p := b.NewPage()
	for _, tc := range []struct{ path, text string }{
		{"/pages/page-one", "Hello!"},
		{"/pages/page-two", "Goodbye."},
		{"/pages/page-three", `No page named "page-three"`},
	} {
		p.Navigate(srv.URL + tc.path)
		if got := p.Text(); got != tc.text {
			t.Errorf("%s shows %q, want %q", tc.path, got, tc.text)
		}
		p.Screenshot("webpages" + tc.path)
	}
}
