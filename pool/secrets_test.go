package pool

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/torque-go/torque/auth"
)

// renderings prints v every way a program might: each fmt verb, JSON,
// and log/slog's text and JSON handlers.
func renderings(v any) map[string]string {
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
	cred := auth.Credential{Mechanism: auth.MechanismSCRAMSHA256, Source: "admin", Username: "u",
		Password: "S3cretPW", PasswordSet: true}
	tlsOpts := TLSOptions{CAFile: "ca.pem", CertificateKeyFile: "key.pem", CertificateKeyFilePassword: "S3cretKey"}
	cc := ConnConfig{AppName: "app", Credential: &cred}
	ccTLS := ConnConfig{AppName: "app", Credential: &cred, TLS: &tls.Config{ServerName: "S3cretName"}}
	for name, v := range map[string]any{
		"auth.Credential": cred, "*auth.Credential": &cred, "[]auth.Credential": []auth.Credential{cred},
		"TLSOptions": tlsOpts, "*TLSOptions": &tlsOpts,
		"ConnConfig": cc, "*ConnConfig": &cc, "ConnConfig with TLS": ccTLS,
		"Config": Config{Conn: cc}, "*Config": &Config{Conn: ccTLS},
	} {
		for how, s := range renderings(v) {
			if strings.Contains(s, "S3cret") {
				t.Errorf("%s printed with %s shows a secret: %s", name, how, s)
			}
		}
	}
	if s := fmt.Sprint(cc); !strings.Contains(s, "app") || !strings.Contains(s, `"u"`) {
		t.Errorf("ConnConfig prints %s: the harmless fields are gone", s)
	}
}
