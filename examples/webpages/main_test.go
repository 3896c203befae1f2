package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/testenv"
)

// The two pages come from the real server; anything else is a 404.
func TestPages(t *testing.T) {
	uri := testenv.URI(t)
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

	if _, err := setupDB(ctx, db); err != nil {
		t.Fatal(err)
	}
	// setupDB starts from scratch: running it twice leaves two pages.
	pages, err := setupDB(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(pages))
	defer srv.Close()

	for _, tc := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/pages/page-one", 200, "<html><body>Hello!</body></html>"},
		{"GET", "/pages/page-two", 200, "<html><body>Goodbye.</body></html>"},
		{"GET", "/pages/page-three", 404, `No page named "page-three"` + "\n"},
		{"GET", "/page-one", 404, "404 page not found\n"},
		{"GET", "/pages/", 404, "404 page not found\n"},
		{"POST", "/pages/page-one", 405, "Method Not Allowed\n"},
	} {
		req, err := http.NewRequestWithContext(ctx, tc.method, srv.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("%s %s = %d %q, want %d %q", tc.method, tc.path, resp.StatusCode, body, tc.status, tc.body)
		}
		if tc.status == 200 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: Content-Type %q, want text/html", tc.path, resp.Header.Get("Content-Type"))
		}
	}
	n, err := pages.CountDocuments(ctx, bson.D{})
	if err != nil || n != 2 {
		t.Errorf("%d pages stored, %v; want 2", n, err)
	}
}
