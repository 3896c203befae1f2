package auth_test

import (
	"fmt"

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
