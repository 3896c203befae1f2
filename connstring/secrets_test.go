package connstring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// renderings prints v every way a program might: each fmt verb, JSON,
// and log/slog's text and JSON handlers.
func renderings(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	if b, err := json.Marshal(v); err == nil {
		out["json"] = string(b)
	} else {
		out["json"] = "error: " + err.Error()
	}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", v)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", v)
	out["slog text"], out["slog json"] = text.String(), js.String()
	return out
}

func TestSecretsNeverPrinted(t *testing.T) {
	cs, err := Parse("mongodb://user:S3cretPW@h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:S3cretRes&tlsCertificateKeyFilePassword=S3cretKey&proxyHost=p&proxyUsername=pu&proxyPassword=S3cretProxy")
	if err != nil {
		cs, err = Parse("mongodb://user:S3cretPW@h/?tlsCertificateKeyFilePassword=S3cretKey&proxyHost=p&proxyUsername=pu&proxyPassword=S3cretProxy")
	}
	if err != nil {
		t.Fatal(err)
	}
	cs.AuthMechanismProperties = map[string]string{"TOKEN_RESOURCE": "S3cretRes"}
	cred := Credential{Mechanism: MechSCRAMSHA256, Username: "user", Password: "S3cretPW", PasswordSet: true,
		Props: map[string]string{"AWS_SESSION_TOKEN": "S3cretTok"}}
	for name, v := range map[string]any{
		"*ConnString": cs, "ConnString": *cs, "[]ConnString": []ConnString{*cs},
		"Credential": cred, "*Credential": &cred, "struct field": struct{ C Credential }{cred},
	} {
		for how, s := range renderings(t, v) {
			if strings.Contains(s, "S3cret") {
				t.Errorf("%s printed with %s shows a secret: %s", name, how, s)
			}
		}
	}
	if got := fmt.Sprint(cs); !strings.Contains(got, "user:xxxxx@h") {
		t.Errorf("%%v of *ConnString = %s, want the redacted URI", got)
	}
}

// A connection string whose '@' is missing must not quote its password
// as a port (issue 13, item 6a).
func TestErrorsNeverQuoteAPasswordWithoutItsAt(t *testing.T) {
	for _, uri := range []string{
		"mongodb://user:S3cretPW/db",
		"mongodb://user:S3cretPW",
		"mongodb://user:S3cretPW,host2:27017/db",
		"mongodb://user:S3cret:PW/db",
		"mongodb+srv://user:S3cretPW/db",
	} {
		_, err := Parse(uri)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", uri)
			continue
		}
		if strings.Contains(err.Error(), "S3cret") {
			t.Errorf("Parse(%q): %v", uri, err)
		}
	}
}
