package auth

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
)

var errMismatch = errors.New("client-final mismatch")

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
