package topology

import (
	"context"
	"testing"

	"github.com/torque-go/torque/internal/mockserver"
)

// BenchmarkSelectServer measures the selection every operation pays on a
// three-member replica set, reading from secondaries (two candidates, so
// the "two random choices" run too).
func BenchmarkSelectServer(b *testing.B) {
	rs, err := mockserver.StartReplicaSet(mockserver.ReplicaSetOptions{Members: 3})
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close(context.Background())
	topo, err := Open(Options{Seeds: seeds(rs.Hosts()...), SetName: "rs0", HeartbeatFrequency: longHeartbeat})
	if err != nil {
		b.Fatal(err)
	}
	defer topo.Close(context.Background())
	ctx := context.Background()
	c := Criteria{ReadPref: ReadPref{Mode: Secondary}}
	for { // until both secondaries are known
		td := topo.Description()
		if len(candidates{td: &td}.ofTypes(RSSecondary)) == 2 {
			break
		}
		<-topo.state.Load().changed
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s, err := topo.SelectServer(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		s.Release()
	}
}
