package srv_test

import (
	"context"
	"fmt"
	"net"

	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/srv"
)

// staticDNS answers every query with the same records.
type staticDNS struct{}

func (staticDNS) LookupSRV(context.Context, string, string, string) (string, []*net.SRV, error) {
	return "", []*net.SRV{{Target: "shard-a.db.example.com.", Port: 27017}, {Target: "shard-b.db.example.com.", Port: 27018}}, nil
}

func (staticDNS) LookupTXT(context.Context, string) ([]string, error) {
	return []string{"authSource=admin&replicaSet=rs0"}, nil
}

func ExampleResolve() {
	cs, err := connstring.Parse("mongodb+srv://user:pw@cluster0.db.example.com/app")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := srv.Resolve(context.Background(), srv.Config{Resolver: staticDNS{}}, cs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Seeds)
	fmt.Println(res.ConnString.ReplicaSet, res.ConnString.AuthSource, *res.ConnString.TLS)
	// Output:
	// [shard-a.db.example.com:27017 shard-b.db.example.com:27018]
	// rs0 admin true
}
