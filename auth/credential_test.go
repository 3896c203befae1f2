package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCredentialDefaults(t *testing.T) {
	tests := []struct {
		cred       Credential
		uriDB      string
		wantSource string
		wantMech   string
	}{
		{Credential{Username: "u", Password: "p"}, "", "admin", ""},
		{Credential{Username: "u", Password: "p"}, "app", "app", ""},
		{Credential{Mechanism: "scram-sha-256", Username: "u", Password: "p"}, "", "admin", MechanismSCRAMSHA256},
		{Credential{Mechanism: MechanismSCRAMSHA1, Username: "u", Password: "p"}, "app", "app", MechanismSCRAMSHA1},
		{Credential{Mechanism: MechanismSCRAMSHA1, Username: "u", Password: "p", Source: "src"}, "app", "src", MechanismSCRAMSHA1},
		{Credential{Mechanism: MechanismPLAIN, Username: "u", Password: "p"}, "", "$external", MechanismPLAIN},
		{Credential{Mechanism: MechanismPLAIN, Username: "u", Password: "p"}, "app", "app", MechanismPLAIN},
		{Credential{Mechanism: MechanismX509}, "app", "$external", MechanismX509},
		{Credential{Mechanism: MechanismX509, Username: "CN=x"}, "", "$external", MechanismX509},
		{Credential{Username: "u", PasswordSet: true}, "", "admin", ""}, // empty password given
		{Credential{Mechanism: "mongodb-aws"}, "app", "$external", MechanismAWS},
		{Credential{Mechanism: MechanismAWS, Username: "AKID", Password: "s", Props: map[string]string{"aws_session_token": "t"}}, "", "$external", MechanismAWS},
		{Credential{Mechanism: MechanismOIDC, OIDCMachineCallback: staticOIDC}, "app", "$external", MechanismOIDC},
		{Credential{Mechanism: MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "k8s"}}, "", "$external", MechanismOIDC},
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
		cred Credential
		want string
	}{
		{Credential{Password: "p"}, "username is required"},
		{Credential{Mechanism: MechanismSCRAMSHA256, Password: "p"}, "username is required"},
		{Credential{Mechanism: MechanismSCRAMSHA1, Username: "u"}, "password is required"},
		{Credential{Mechanism: MechanismPLAIN, Username: "u"}, "password is required"},
		{Credential{Mechanism: MechanismPLAIN, Password: "p"}, "username is required"},
		{Credential{Mechanism: MechanismX509, Password: "p"}, "password is not allowed"},
		{Credential{Mechanism: MechanismX509, PasswordSet: true}, "password is not allowed"},
		{Credential{Mechanism: MechanismX509, Source: "admin"}, "must be \"$external\""},
		{Credential{Mechanism: "GSSAPI", Username: "u"}, "GSSAPI (Kerberos) is not supported by torque: it needs cgo or a Kerberos library"},
		{Credential{Mechanism: MechanismAWS, Username: "AKID"}, "needs its secret access key"},
		{Credential{Mechanism: MechanismAWS, Password: "aws-secret"}, "needs its access key id"},
		{Credential{Mechanism: MechanismAWS, Props: map[string]string{"AWS_SESSION_TOKEN": "t"}}, "AWS_SESSION_TOKEN needs an access key id"},
		{Credential{Mechanism: MechanismAWS, Source: "admin"}, "must be \"$external\""},
		{Credential{Mechanism: MechanismAWS, Props: map[string]string{"ENVIRONMENT": "test"}}, "property \"ENVIRONMENT\" is not supported"},
		{Credential{Mechanism: MechanismAWS, Username: "AKID", Password: "aws-secret", AWSCredentialProvider: staticAWS}, "not both"},
		{Credential{Mechanism: MechanismSCRAMSHA256, Username: "u", Password: "p", AWSCredentialProvider: staticAWS}, "only for MONGODB-AWS"},
		{Credential{Mechanism: MechanismSCRAMSHA256, Username: "u", Password: "p", OIDCMachineCallback: staticOIDC}, "only for MONGODB-OIDC"},
		{Credential{Mechanism: MechanismOIDC, Password: "p", OIDCMachineCallback: staticOIDC}, "password is not allowed"},
		{Credential{Mechanism: MechanismOIDC}, "needs an ENVIRONMENT property or a callback"},
		{Credential{Mechanism: MechanismOIDC, OIDCMachineCallback: staticOIDC, OIDCHumanCallback: staticOIDC}, "takes one of"},
		{Credential{Mechanism: MechanismOIDC, OIDCMachineCallback: staticOIDC, Props: map[string]string{"ENVIRONMENT": "test"}}, "takes one of"},
		{Credential{Mechanism: MechanismOIDC, OIDCHumanCallback: staticOIDC, Props: map[string]string{"ALLOWED_HOSTS": "x"}}, "Credential.OIDCAllowedHosts"},
		{Credential{Mechanism: MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "azure"}}, "needs TOKEN_RESOURCE"},
		{Credential{Mechanism: MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "nowhere"}}, "is not one of"},
		{Credential{Mechanism: MechanismOIDC, Username: "u", Props: map[string]string{"ENVIRONMENT": "test"}}, "username is not allowed"},
		{Credential{Mechanism: MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "k8s", "TOKEN_RESOURCE": "r"}}, "TOKEN_RESOURCE is only for"},
		{Credential{Mechanism: "MONGODB-CR", Username: "u", Password: "p"}, "unsupported mechanism"},
		{Credential{Mechanism: MechanismSCRAMSHA256, Username: "u", Password: "p", Props: map[string]string{"SERVICE_NAME": "x"}}, "properties are not allowed"},
	}
	for i, tc := range tests {
		_, err := tc.cred.WithDefaults("")
		var ae *AuthError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: err = %v; want *AuthError saying %q", i, err, tc.want)
		}
		if err != nil && tc.cred.Password != "" && strings.Contains(err.Error(), tc.cred.Password+"\"") {
			t.Errorf("case %d: error shows the password", i)
		}
	}
}

func TestCredentialNeverPrintsPassword(t *testing.T) {
	c := Credential{Mechanism: MechanismSCRAMSHA256, Source: "admin", Username: "alice", Password: "hunter2-secret", PasswordSet: true,
		Props: map[string]string{"K": "prop-secret"}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %v"} {
		for _, v := range []any{c, &c, []Credential{c}, map[string]Credential{"k": c}, struct{ C Credential }{c}} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, "hunter2") || strings.Contains(out, "prop-secret") {
				t.Errorf("Sprintf(%q) = %s shows a secret", verb, out)
			}
		}
	}
	if s := c.String(); !strings.Contains(s, "alice") || !strings.Contains(s, "<redacted>") {
		t.Errorf("String() = %s; want the user and <redacted>", s)
	}
}

func staticAWS(context.Context) (AWSCredentials, error) {
	return AWSCredentials{AccessKeyID: "AKIDSTATIC", SecretAccessKey: "static-secret"}, nil
}

func staticOIDC(context.Context, *OIDCArgs) (*OIDCCredential, error) {
	return &OIDCCredential{AccessToken: "static-token"}, nil
}

func TestGSSAPIRefusedClearly(t *testing.T) {
	_, err := Credential{Mechanism: "gssapi", Username: "u@REALM"}.WithDefaults("")
	if !errors.Is(err, ErrGSSAPI) {
		t.Fatalf("err = %v, want ErrGSSAPI", err)
	}
	for _, want := range []string{"cgo", "Kerberos"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
