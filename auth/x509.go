package auth

import (
	"context"

	"github.com/torque-go/torque/bson"
)

// MONGODB-X509: the TLS client certificate is the credential, and one
// authenticate command on $external binds it. The user (the certificate's
// subject in RFC 2253 form) is sent only when the application gave one;
// servers since 3.4 take it from the certificate.

// appendX509Authenticate appends {authenticate: 1, mechanism:
// "MONGODB-X509", [user], <dbKey>: "$external"}. dbKey is "$db" for the
// command and "db" inside speculativeAuthenticate.
func appendX509Authenticate(dst []byte, username, dbKey string) ([]byte, error) {
	start, dst := bson.AppendDocumentStart(dst)
	dst = bson.AppendInt32Element(dst, "authenticate", 1)
	dst = bson.AppendStringElement(dst, "mechanism", MechanismX509)
	if username != "" {
		dst = bson.AppendStringElement(dst, "user", username)
	}
	dst = bson.AppendStringElement(dst, dbKey, externalSource)
	return bson.AppendDocumentEnd(dst, start)
}

func authenticateX509(ctx context.Context, c Commander, username string) error {
	cmd, err := appendX509Authenticate(nil, username, "$db")
	if err != nil {
		return err
	}
	reply, err := c.Command(ctx, externalSource, cmd)
	if err != nil {
		return err
	}
	return checkOK(reply)
}
