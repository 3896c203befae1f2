package driver

import (
	"errors"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/session"
)

// handshakeRetryable reports whether an operation whose connection could
// not be established, because the server refused the handshake's hello or
// authentication with a code, may be retried: the retryable-reads and
// retryable-writes specifications retry an error met during the handshake
// as they would the same error from the command (their handshakeError
// tests: ShutdownInProgress on saslContinue). A read retries the codes of
// the retryable-reads list; a write, commit or abort those for which the
// driver labels a pre-4.4 server's error RetryableWriteError (no server
// labels a handshake's error). Network errors during the handshake are
// retried as every network error before a command was sent (retryable).
func handshakeRetryable(kind Kind, err error) bool {
	code := handshakeCode(err)
	if code == 0 {
		return false
	}
	hc := handshakeClassified{classified{err}, code}
	if kind == Read {
		return session.IsRetryableReadError(hc)
	}
	return session.NeedsRetryableWriteLabel(hc, 0, false)
}

// handshakeCode is the server's code in a failed handshake (a refused
// hello, or a refused step of the authentication conversation), 0 when
// err is no such failure.
func handshakeCode(err error) int32 {
	var ce *pool.ConnError
	if !errors.As(err, &ce) || !ce.Stage.Handshake() {
		return 0
	}
	var hello *pool.CommandError
	if errors.As(err, &hello) {
		return hello.Code
	}
	var sasl *auth.CommandError
	if errors.As(err, &sasl) {
		return sasl.Code
	}
	return 0
}

// handshakeClassified is a handshake's failure seen by the retry rules
// with the server's code.
type handshakeClassified struct {
	classified
	code int32
}

func (h handshakeClassified) Code() int32 { return h.code }
