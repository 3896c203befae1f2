package aws

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/torque-go/torque/auth"
)

// The credential rules of MONGODB-AWS (auth spec, "MongoCredential
// properties"), checked by auth.Credential.WithDefaults once this package
// is linked in.
func TestCredentialDefaults(t *testing.T) {
	tests := []struct {
		cred       auth.Credential
		uriDB      string
		wantSource string
		wantMech   string
	}{
		{auth.Credential{Mechanism: "mongodb-aws"}, "app", "$external", auth.MechanismAWS},
		{auth.Credential{Mechanism: auth.MechanismAWS, Username: "AKID", Password: "s", Props: map[string]string{"aws_session_token": "t"}}, "", "$external", auth.MechanismAWS},
	}
	for i, tc := range tests {
		got, err := tc.cred.WithDefaults(tc.uriDB)
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		if got.Source != tc.wantSource || got.Mechanism != tc.wantMech {
			t.Errorf("case %d: source %q mechanism %q; want %q %q", i, got.Source, got.Mechanism, tc.wantSource, tc.wantMech)
		}
	}
}

func TestCredentialValidation(t *testing.T) {
	tests := []struct {
		cred auth.Credential
		want string
	}{
		{auth.Credential{Mechanism: auth.MechanismAWS, Username: "AKID"}, "needs its secret access key"},
		{auth.Credential{Mechanism: auth.MechanismAWS, Password: "aws-secret"}, "needs its access key id"},
		{auth.Credential{Mechanism: auth.MechanismAWS, Props: map[string]string{"AWS_SESSION_TOKEN": "t"}}, "AWS_SESSION_TOKEN needs an access key id"},
		{auth.Credential{Mechanism: auth.MechanismAWS, Props: map[string]string{"ENVIRONMENT": "test"}}, "property \"ENVIRONMENT\" is not supported"},
		{auth.Credential{Mechanism: auth.MechanismAWS, Username: "AKID", Password: "aws-secret", AWSCredentialProvider: staticAWS}, "not both"},
	}
	for i, tc := range tests {
		_, err := tc.cred.WithDefaults("")
		var ae *auth.AuthError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: err = %v; want *auth.AuthError saying %q", i, err, tc.want)
		}
		if err != nil && tc.cred.Password != "" && strings.Contains(err.Error(), tc.cred.Password+"\"") {
			t.Errorf("case %d: error shows the password", i)
		}
	}
}

func staticAWS(context.Context) (auth.AWSCredentials, error) {
	return auth.AWSCredentials{AccessKeyID: "AKIDSTATIC", SecretAccessKey: "static-secret"}, nil
}
