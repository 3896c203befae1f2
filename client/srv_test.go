package client_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// fakeDNS answers the SRV and TXT look-ups of cluster.example.com.
type fakeDNS struct{ lookups atomic.Int32 }

func (f *fakeDNS) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	f.lookups.Add(1)
	if name != "cluster.example.com" {
		return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return "", []*net.SRV{{Target: "node1.example.com.", Port: 27017}}, nil
}

func (f *fakeDNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return []string{"replicaSet=rs0&authSource=admin"}, nil
}

// toMock dials the mock server whatever address it is asked for.
type toMock struct{ addr string }

func (d toMock) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	var nd net.Dialer
	return nd.DialContext(ctx, network, d.addr)
}

func TestSRVResolvedOnFirstOperation(t *testing.T) {
	const me = "node1.example.com:27017"
	srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.Primary, SetName: "rs0", Hosts: []string{me}, Me: me}})
	dns := &fakeDNS{}
	c := connect(t, "mongodb+srv://cluster.example.com/?tls=false", client.Options{Resolver: dns, Dialer: toMock{srv.Addr()}})
	if n := dns.lookups.Load(); n != 0 {
		t.Errorf("Connect did %d DNS look-ups", n)
	}
	ctx := ctxT(t)
	if _, err := c.Database("test").Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if n := dns.lookups.Load(); n != 1 {
		t.Errorf("%d SRV look-ups, want 1", n)
	}
	ins := srv.CommandsNamed("insert")[0]
	if ins.Lookup("txnNumber").IsZero() {
		t.Error("the TXT record's replicaSet did not make a replica set: no retryable write")
	}
}
