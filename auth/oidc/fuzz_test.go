package oidc

import (
	"testing"

	"github.com/torque-go/torque/bson"
)

// FuzzOIDCIdpInfo: arbitrary IdpInfo payloads parse or fail, never panic,
// and a parsed one has an issuer.
func FuzzOIDCIdpInfo(f *testing.F) {
	f.Add(doc(func(d []byte) []byte {
		d = bson.AppendStringElement(d, "issuer", "https://i")
		return bson.AppendStringElement(d, "clientId", "c")
	}))
	f.Add([]byte{5, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, payload []byte) {
		info, err := parseIDPInfo(payload)
		if err == nil && info.Issuer == "" {
			t.Fatalf("accepted %v", info)
		}
	})
}
