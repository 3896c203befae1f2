package auth

import (
	"context"
	"errors"
)

// PLAIN (RFC 4616), which MongoDB uses for LDAP: one message,
// "\x00user\x00password" (no authorization identity), sent as it is. Only
// use it over TLS: the password crosses the wire in the clear.

type plainMechanism struct {
	username, password string
}

func (m plainMechanism) start() []byte {
	b := make([]byte, 0, 2+len(m.username)+len(m.password))
	b = append(b, 0)
	b = append(b, m.username...)
	b = append(b, 0)
	return append(b, m.password...)
}

func (plainMechanism) step(context.Context, []byte) ([]byte, error) {
	return nil, errors.New("unexpected server challenge for PLAIN")
}

func (plainMechanism) completed() bool { return true }
