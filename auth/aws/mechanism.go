package aws

import (
	"context"

	"github.com/torque-go/torque/auth"
)

func init() { auth.RegisterMechanism(auth.MechanismAWS, mechanism{}) }

// mechanism is MONGODB-AWS as package auth runs it. Its client state is
// the client's credential cache.
type mechanism struct{}

func (mechanism) NewClientState() any { return new(awsCache) }

func (mechanism) Validate(cred auth.Credential) string { return validateAWS(cred) }

func (mechanism) Authenticate(ctx context.Context, a *auth.Attempt) error {
	return authenticateAWS(ctx, a.Conn, a.Cred, a.Client.(*awsCache))
}
