package oidc

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/torque-go/torque/auth"
)

// The credential rules of MONGODB-OIDC (auth spec, "MongoCredential
// properties"), checked by auth.Credential.WithDefaults once this package
// is linked in.
func TestCredentialDefaults(t *testing.T) {
	tests := []struct {
		cred       auth.Credential
		uriDB      string
		wantSource string
		wantMech   string
	}{
		{auth.Credential{Mechanism: auth.MechanismOIDC, OIDCMachineCallback: staticOIDC}, "app", "$external", auth.MechanismOIDC},
		{auth.Credential{Mechanism: auth.MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "k8s"}}, "", "$external", auth.MechanismOIDC},
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
		{auth.Credential{Mechanism: auth.MechanismOIDC, Password: "p", OIDCMachineCallback: staticOIDC}, "password is not allowed"},
		{auth.Credential{Mechanism: auth.MechanismOIDC}, "needs an ENVIRONMENT property or a callback"},
		{auth.Credential{Mechanism: auth.MechanismOIDC, OIDCMachineCallback: staticOIDC, OIDCHumanCallback: staticOIDC}, "takes one of"},
		{auth.Credential{Mechanism: auth.MechanismOIDC, OIDCMachineCallback: staticOIDC, Props: map[string]string{"ENVIRONMENT": "test"}}, "takes one of"},
		{auth.Credential{Mechanism: auth.MechanismOIDC, OIDCHumanCallback: staticOIDC, Props: map[string]string{"ALLOWED_HOSTS": "x"}}, "Credential.OIDCAllowedHosts"},
		{auth.Credential{Mechanism: auth.MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "azure"}}, "needs TOKEN_RESOURCE"},
		{auth.Credential{Mechanism: auth.MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "nowhere"}}, "is not one of"},
		{auth.Credential{Mechanism: auth.MechanismOIDC, Username: "u", Props: map[string]string{"ENVIRONMENT": "test"}}, "username is not allowed"},
		{auth.Credential{Mechanism: auth.MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "k8s", "TOKEN_RESOURCE": "r"}}, "TOKEN_RESOURCE is only for"},
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

func staticOIDC(context.Context, *auth.OIDCArgs) (*auth.OIDCCredential, error) {
	return &auth.OIDCCredential{AccessToken: "static-token"}, nil
}
