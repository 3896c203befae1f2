package client_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/internal/testenv"
)

// The servers of the tests of bulk_write.go, indexes.go and typed.go:
// FerretDB (testenv.URI) where real query semantics matter, the mock
// server where FerretDB lacks a feature (arrayFilters) or a test asserts
// on the exact commands sent.

// testContext is a context that ends with the test, bounded so that a
// broken server fails the test instead of hanging it.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// serverCollection returns an empty collection on the real test server,
// in a database of the test's own that is dropped when the test ends.
func serverCollection(t *testing.T) *client.Collection {
	t.Helper()
	uri := testenv.URI(t)
	ctx := testContext(t)
	c, err := client.Connect(ctx, uri)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Disconnect(context.Background()) })
	sum := sha256.Sum256([]byte(t.Name()))
	db := c.Database("torque_x_" + hex.EncodeToString(sum[:8]))
	coll := db.Collection("things")
	if err := coll.Drop(ctx); err != nil {
		t.Fatalf("dropping %s: %v", coll.Name(), err)
	}
	t.Cleanup(func() { db.Drop(context.Background()) })
	return coll
}

// mockCollection returns a mock server with opts and the collection
// test.things on a client connected to it.
func mockCollection(t *testing.T, opts mockserver.Options) (*mockserver.Server, *client.Collection) {
	t.Helper()
	srv := mockserver.New(t, opts)
	c, err := client.Connect(testContext(t), srv.URI())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Disconnect(context.Background()) })
	return srv, c.Database("test").Collection("things")
}
