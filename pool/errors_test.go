package pool

import (
	"errors"
	"strings"
	"testing"

	"github.com/torque-go/torque/auth"
)

// TestConnErrorMessage checks what a ConnError says: the stage and whether
// the request left, and an authentication failure's "auth:" only once.
func TestConnErrorMessage(t *testing.T) {
	authErr := &auth.AuthError{Mechanism: auth.MechanismSCRAMSHA256, Source: "admin", Username: "u", Err: errors.New("bad proof")}
	cases := []struct {
		err  *ConnError
		want string
	}{
		{&ConnError{Addr: "h:1", ConnID: 3, Stage: StageAuth, Err: authErr},
			`pool: h:1 connection 3: auth: SCRAM-SHA-256 as user "u" on "admin": bad proof`},
		{&ConnError{Addr: "h:1", Stage: StageAuth, Err: errors.New("EOF")},
			`pool: h:1: auth: EOF`},
		{&ConnError{Addr: "h:1", ConnID: 2, Stage: StageWrite, Sent: false, Err: errors.New("x")},
			`pool: h:1 connection 2: write (nothing sent): x`},
		{&ConnError{Addr: "h:1", ConnID: 2, Stage: StageRead, Err: errors.New("x")},
			`pool: h:1 connection 2: read (request sent): x`},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
		if strings.Count(c.err.Error(), "auth:") > 1 {
			t.Errorf("%q says auth: twice", c.err.Error())
		}
	}
	if !errors.Is(cases[0].err, authErr) {
		t.Error("the AuthError is not reachable through errors.Is")
	}
}
