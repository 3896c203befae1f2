// Package testenv tells integration tests where their real servers are.
//
// Servers are found through environment variables and nothing else:
//   - TORQUE_TEST_URI: a plain FerretDB (no authentication);
//   - TORQUE_TEST_AUTH_URI: a SCRAM-enabled FerretDB with a user in the URI;
//   - TORQUE_FERRETDB: the ferretdb binary, for tests that start their own.
//
// `make test` builds FerretDB, starts the servers and exports these. With a
// variable unset a test skips naming it; under CI=true it fails instead.
package testenv
