package topology

import (
	"errors"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/pool"
)

// Behind a load balancer, an authentication step that failed after the
// hello named the service clears that service's connections (the
// load-balancers suite's "errors during authentication are processed"):
// the failed establishment's error carries the service.
func TestAuthErrorBehindLoadBalancerClearsService(t *testing.T) {
	td, err := New(Config{Seeds: []Address{"lb:27017"}, LoadBalanced: true})
	if err != nil {
		t.Fatal(err)
	}
	td = Apply(td, NewLoadBalancerServer("lb:27017"))
	svc := bson.ObjectID{7: 7}
	ce := &pool.ConnError{Addr: "lb:27017", Stage: pool.StageAuth, Sent: true, ServiceID: &svc, Err: errors.New("auth failed")}
	e := connAppError(ce, nil)
	e.Addr = "lb:27017"
	if e.ServiceID == nil || *e.ServiceID != svc || e.Phase != DuringAuth {
		t.Fatalf("AppError %+v: want the service and the auth phase", e)
	}
	_, act := ApplyAppError(td, 0, e)
	if !act.ClearPool || act.ServiceID == nil || *act.ServiceID != svc {
		t.Errorf("action %+v: want the service's pool cleared", act)
	}
	// Before the hello named a service, the error changes nothing.
	ce.ServiceID = nil
	e = connAppError(ce, nil)
	e.Addr = "lb:27017"
	if _, act := ApplyAppError(td, 0, e); act != (ErrorAction{}) {
		t.Errorf("without a service: %+v, want nothing", act)
	}
}
