//go:build unix

package bench

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time (user and system) the process has used so
// far, every thread counted: client and in-process server alike.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process CPU time per op since start as the
// metric cpu-ns/op: on a loaded machine, where the wall clock counts the
// time spent waiting for a core, it is the steadier figure.
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}
