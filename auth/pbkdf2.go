package auth

import (
	"context"
	"crypto/hmac"
	"hash"
)

// pbkdf2 derives one hash-sized key from password and salt with iter rounds
// of HMAC (RFC 8018 section 5.2; SCRAM's Hi() of RFC 5802 is PBKDF2 with
// dkLen equal to the hash size, so one block is all it needs). The module
// targets Go 1.23, which has no crypto/pbkdf2.
//
// The iteration count comes from the server, so the loop checks ctx every
// few thousand rounds: a hostile server's huge count cannot hang the caller.
func pbkdf2(ctx context.Context, h func() hash.Hash, password, salt []byte, iter int) ([]byte, error) {
	prf := hmac.New(h, password)
	prf.Write(salt)
	prf.Write([]byte{0, 0, 0, 1}) // INT(1): the first (and only) block
	u := prf.Sum(nil)
	t := make([]byte, len(u))
	copy(t, u)
	for n := 2; n <= iter; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		prf.Reset()
		prf.Write(u)
		u = prf.Sum(u[:0])
		for i := range t {
			t[i] ^= u[i]
		}
	}
	return t, nil
}
