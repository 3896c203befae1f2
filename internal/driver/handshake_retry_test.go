package driver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// checkoutFailure is how a failed establishment reaches the executor: a
// *pool.CheckoutError around the *pool.ConnError of its stage.
func checkoutFailure(stage pool.Stage, cause error) error {
	ce := &pool.ConnError{Addr: "a:1", Stage: stage, Sent: true, Err: cause}
	return fmt.Errorf("pool: could not connect to a:1: %w", &pool.CheckoutError{Addr: "a:1", Kind: pool.ErrConnectionFailed, Err: ce})
}

func TestHandshakeRetryable(t *testing.T) {
	shutdown := &auth.AuthError{Mechanism: "SCRAM-SHA-256", Err: &auth.CommandError{Code: 91, Message: "shutdown in progress"}}
	authFailed := &auth.AuthError{Mechanism: "SCRAM-SHA-256", Err: &auth.CommandError{Code: 18, Message: "Authentication failed."}}
	cases := []struct {
		name string
		kind Kind
		err  error
		want bool
	}{
		{"read, ShutdownInProgress on saslContinue", Read, checkoutFailure(pool.StageAuth, shutdown), true},
		{"write, ShutdownInProgress on saslContinue", Write, checkoutFailure(pool.StageAuth, shutdown), true},
		{"commit, ShutdownInProgress on saslContinue", Commit, checkoutFailure(pool.StageAuth, shutdown), true},
		{"read, AuthenticationFailed", Read, checkoutFailure(pool.StageAuth, authFailed), false},
		{"write, AuthenticationFailed", Write, checkoutFailure(pool.StageAuth, authFailed), false},
		{"read, hello refused with a retryable code", Read, checkoutFailure(pool.StageHello, &pool.CommandError{Code: 11600}), true},
		{"read, no code", Read, checkoutFailure(pool.StageAuth, errors.New("bad payload")), false},
		{"not a handshake", Read, &pool.ConnError{Stage: pool.StageRead, Err: &auth.CommandError{Code: 91}}, false},
	}
	for _, c := range cases {
		if got := handshakeRetryable(c.kind, c.err); got != c.want {
			t.Errorf("%s: handshakeRetryable = %v, want %v", c.name, got, c.want)
		}
	}
}

// A retryable write whose connections could not be established on
// either attempt returns the network error labelled RetryableWriteError
// (the retryable-writes spec: a network error establishing an initial
// connection); a read's stays unlabelled.
func TestCheckoutNetworkErrorLabelled(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary, topology.RSPrimary)
	for _, s := range d.servers {
		s.connErr = &NetworkError{Addr: string(s.desc.Addr), Err: io.ErrUnexpectedEOF}
	}
	err := newExecutor(d).Execute(context.Background(), insertOp(t, bson.D{bson.KV("_id", 1)}))
	if !IsNetworkError(err) || !HasLabel(err, LabelRetryableWrite) {
		t.Errorf("write: %v (labels: RetryableWriteError %v), want a labelled network error", err, HasLabel(err, LabelRetryableWrite))
	}
	for _, s := range d.servers {
		s.connErr = &NetworkError{Addr: string(s.desc.Addr), Err: io.ErrUnexpectedEOF}
	}
	err = newExecutor(d).Execute(context.Background(), simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")}))
	if !IsNetworkError(err) || HasLabel(err, LabelRetryableWrite) {
		t.Errorf("read: %v, want an unlabelled network error", err)
	}
}
