package testenv

import (
	"os"
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

func lookup(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		spectest.SkipOrFail(t, name+" is not set: run `make test`, or point it at a server")
	}
	return v
}

// URI returns $TORQUE_TEST_URI, a plain server.
func URI(t testing.TB) string { t.Helper(); return lookup(t, "TORQUE_TEST_URI") }

// AuthURI returns $TORQUE_TEST_AUTH_URI, a SCRAM server with credentials.
func AuthURI(t testing.TB) string { t.Helper(); return lookup(t, "TORQUE_TEST_AUTH_URI") }

// FerretDB returns $TORQUE_FERRETDB, the path of the ferretdb binary.
func FerretDB(t testing.TB) string { t.Helper(); return lookup(t, "TORQUE_FERRETDB") }
