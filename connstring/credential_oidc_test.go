package connstring_test

import (
	"strings"
	"testing"

	"github.com/torque-go/torque/connstring"
)

// Mechanism property names are case-insensitive (auth spec, "Naming");
// ALLOWED_HOSTS may not come from a connection string.
func TestOIDCPropertyNames(t *testing.T) {
	cs, err := connstring.Parse("mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=environment:azure,Token_Resource:r")
	if err != nil {
		t.Fatal(err)
	}
	cred, err := cs.Credential()
	if err != nil || cred.Props["ENVIRONMENT"] != "azure" || cred.Props["TOKEN_RESOURCE"] != "r" {
		t.Fatalf("got %v, %v", cred, err)
	}
	_, err = connstring.Parse("mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test,ALLOWED_HOSTS:x")
	if err == nil || !strings.Contains(err.Error(), "ALLOWED_HOSTS cannot come from a connection string") {
		t.Fatalf("err = %v", err)
	}
}
