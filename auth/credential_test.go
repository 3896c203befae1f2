package auth

import (
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
		{Credential{Mechanism: "GSSAPI", Username: "u"}, "unsupported mechanism \"GSSAPI\""},
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
