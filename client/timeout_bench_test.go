package client

import (
	"context"
	"testing"

	"github.com/torque-go/torque/internal/driver"
)

// BenchmarkApplyTimeoutUnset is what timeoutMS costs an operation when no
// level sets it: the context look-ups of WithTimeout and WithSession
// (about 20ns and no allocation on a 2-core machine).
func BenchmarkApplyTimeoutUnset(b *testing.B) {
	ctx := context.Background()
	op := &driver.Operation{}
	b.ReportAllocs()
	for range b.N {
		if err := applyTimeout(ctx, op, nil); err != nil || op.CSOT {
			b.Fatal(err, op.CSOT)
		}
	}
}
