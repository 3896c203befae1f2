package auth

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
)

// SCRAMServerKeys derives what a server stores for a SCRAM user, as
// MongoDB's createUser does: StoredKey = H(HMAC(SaltedPassword, "Client
// Key")) and ServerKey = HMAC(SaltedPassword, "Server Key"), with
// SaltedPassword = Hi(password, salt, iterations). The password is
// MongoDB's digest of user and password for SCRAM-SHA-1, and the
// SASLprep'd password for SCRAM-SHA-256. It is for servers (package
// mongotest); a client never needs it.
func SCRAMServerKeys(mechanism, username, password string, salt []byte, iterations int) (storedKey, serverKey []byte, err error) {
	var pw string
	switch mechanism {
	case MechanismSCRAMSHA1:
		pw = mongoPasswordDigest(username, password)
	case MechanismSCRAMSHA256:
		if pw, err = SASLprep(password); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fmt.Errorf("auth: %s is not a SCRAM mechanism", mechanism)
	}
	h := sha256.New
	if mechanism == MechanismSCRAMSHA1 {
		h = sha1.New
	}
	salted, err := pbkdf2(context.Background(), h, []byte(pw), salt, iterations)
	if err != nil {
		return nil, nil, err
	}
	d := h()
	d.Write(hmacSum(h, salted, "Client Key"))
	return d.Sum(nil), hmacSum(h, salted, "Server Key"), nil
}
