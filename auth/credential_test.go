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
		{Credential{Mechanism: MechanismAWS, Source: "admin"}, "must be \"$external\""},
		{Credential{Mechanism: MechanismSCRAMSHA256, Username: "u", Password: "p", AWSCredentialProvider: staticAWS}, "only for MONGODB-AWS"},
		{Credential{Mechanism: MechanismSCRAMSHA256, Username: "u", Password: "p", OIDCMachineCallback: staticOIDC}, "only for MONGODB-OIDC"},
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

// Without their packages, MONGODB-AWS and MONGODB-OIDC are refused at
// once with an error that names the import. (This test binary links both,
// for the spec tests of spec_test.go: they are unregistered here.)
func TestMechanismNeedsItsPackage(t *testing.T) {
	for _, mech := range []string{MechanismAWS, MechanismOIDC} {
		prev := RegisterMechanism(mech, nil)
		t.Cleanup(func() { RegisterMechanism(mech, prev) })
	}
	for _, tc := range []struct {
		cred Credential
		pkg  string
	}{
		{Credential{Mechanism: MechanismAWS}, "github.com/torque-go/torque/auth/aws"},
		{Credential{Mechanism: "mongodb-aws", Username: "AKID", Password: "s"}, "github.com/torque-go/torque/auth/aws"},
		{Credential{Mechanism: MechanismOIDC, OIDCMachineCallback: staticOIDC}, "github.com/torque-go/torque/auth/oidc"},
	} {
		want := `import _ "` + tc.pkg + `"`
		_, err := tc.cred.WithDefaults("")
		var ae *AuthError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), want) {
			t.Errorf("WithDefaults(%v) = %v; want an *AuthError saying %s", tc.cred, err, want)
		}
		if err := Authenticate(context.Background(), commanderFunc(nil), tc.cred, nil, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Authenticate(%v) = %v; want an error saying %s", tc.cred, err, want)
		}
		if spec, err := Speculate(tc.cred, nil); spec != nil || err == nil {
			t.Errorf("Speculate(%v) = %v, %v; want an error", tc.cred, spec, err)
		}
	}
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
