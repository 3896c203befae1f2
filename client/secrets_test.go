package client_test

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/torque-go/torque/client"
)

// Options, which hold the credential, never show its password: not with
// any fmt verb, not in JSON, not through log/slog (issue 13, item 6b).
func TestOptionsNeverShowThePassword(t *testing.T) {
	o, err := client.ParseURI("mongodb://user:S3cretPW@h/?authSource=admin&tlsCertificateKeyFilePassword=S3cretKey")
	if err != nil {
		o = client.Options{}
	}
	o.Auth = &client.Credential{Username: "user", Password: "S3cretPW", PasswordSet: true}
	o.TLS = &tls.Config{ServerName: "h"}
	for name, v := range map[string]any{"Options": o, "*Options": &o, "Credential": *o.Auth, "*Credential": o.Auth} {
		outs := map[string]string{}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			outs[verb] = fmt.Sprintf(verb, v)
		}
		if b, err := json.Marshal(v); err == nil {
			outs["json"] = string(b)
		}
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&js, nil)).Info("m", "v", v)
		outs["slog text"], outs["slog json"] = text.String(), js.String()
		for how, s := range outs {
			if strings.Contains(s, "S3cret") {
				t.Errorf("%s printed with %s shows a secret: %s", name, how, s)
			}
		}
	}
}
