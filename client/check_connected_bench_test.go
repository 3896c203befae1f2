package client

import "testing"

// BenchmarkCheckConnectedParallel is the connected check every operation
// makes first, from one goroutine per GOMAXPROCS and from 500 per
// GOMAXPROCS (1,000 on two cores): its cost under contention alone,
// which the round trips of BenchmarkNullParallel hide.
func BenchmarkCheckConnectedParallel(b *testing.B) {
	for _, p := range []struct {
		name string
		n    int
	}{{"1P", 1}, {"500P", 500}} {
		b.Run(p.name, func(b *testing.B) {
			c := &Client{}
			b.SetParallelism(p.n)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := c.checkConnected(); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
