package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/auth"
)

func ExampleSASLprep() {
	for _, s := range []string{"I\u00ADX", "\u2168", "user", "\u0007"} {
		p, err := auth.SASLprep(s)
		fmt.Printf("%+q -> %q %v\n", s, p, err)
	}
	// Output:
	// "I\u00adX" -> "IX" <nil>
	// "\u2168" -> "IX" <nil>
	// "user" -> "user" <nil>
	// "\a" -> "" saslprep: prohibited character (RFC 3454 table C.2.1) at position 0
}

func ExampleCredential_WithDefaults() {
	cred, err := auth.Credential{Username: "alice", Password: "s3cret"}.WithDefaults("app")
	fmt.Println(cred, err)
	fmt.Println(auth.SASLSupportedMechs(cred))
	fmt.Println(auth.ChooseMechanism([]string{"SCRAM-SHA-1", "SCRAM-SHA-256"}))
	// Output:
	// auth.Credential{Mechanism:"", Source:"app", Username:"alice", Password:<redacted>} <nil>
	// app.alice
	// SCRAM-SHA-256
}

// A MONGODB-OIDC credential with a machine callback (set it as
// client.Options.Auth): the callback returns the workload's token.
func ExampleOIDCCallback() {
	readToken := func(ctx context.Context, args *auth.OIDCArgs) (*auth.OIDCCredential, error) {
		return &auth.OIDCCredential{AccessToken: "eyJ...", ExpiresAt: time.Now().Add(time.Hour)}, nil
	}
	cred, err := auth.Credential{Mechanism: "MONGODB-OIDC", OIDCMachineCallback: readToken}.WithDefaults("")
	fmt.Println(cred, err)
	_, err = auth.Credential{Mechanism: "MONGODB-OIDC", OIDCMachineCallback: readToken,
		Props: map[string]string{"ENVIRONMENT": "test"}}.WithDefaults("")
	fmt.Println(err)
	// Output:
	// auth.Credential{Mechanism:"MONGODB-OIDC", Source:"$external", Username:"", OIDCMachineCallback:set} <nil>
	// auth: MONGODB-OIDC as user "" on "$external": invalid credential: MONGODB-OIDC takes one of ENVIRONMENT, OIDCMachineCallback and OIDCHumanCallback
}

// AWS credentials print (and marshal to JSON) without their secrets.
func ExampleAWSCredentials() {
	c := auth.AWSCredentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI", SessionToken: "FwoGZX"}
	fmt.Println(c)
	j, _ := json.Marshal(c)
	fmt.Println(string(j))
	// Output:
	// auth.AWSCredentials{AccessKeyID:"AKIDEXAMPLE", SecretAccessKey:<redacted>, SessionToken:<redacted>}
	// {"AccessKeyID":"AKIDEXAMPLE","SecretAccessKey":"[redacted]"}
}

func ExampleErrGSSAPI() {
	_, err := auth.Credential{Mechanism: "GSSAPI", Username: "alice@EXAMPLE.COM"}.WithDefaults("")
	fmt.Println(errors.Is(err, auth.ErrGSSAPI))
	// Output: true
}
