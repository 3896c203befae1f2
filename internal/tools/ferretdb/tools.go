//go:build tools

// Package ferretdb pins the FerretDB server that torque's integration tests
// run against. It is a separate module so that FerretDB's dependencies never
// reach the driver's go.mod; scripts/ferretdb-build.sh builds the binary from
// it into a cache folder outside the checkout.
package ferretdb

import _ "github.com/FerretDB/FerretDB/cmd/ferretdb"
