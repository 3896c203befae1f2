package mongotest

import (
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
)

// torque's client authenticates in the hello (speculative
// authentication): the server sees no saslStart, only the saslContinue
// that finishes the conversation.
func TestSpeculativeAuthentication(t *testing.T) {
	srv := New(t, Options{Users: []User{{Name: "ada", Password: "pencil"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, srv.URI(), client.Options{Auth: &client.Credential{Username: "ada", Password: "pencil"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(ctx)
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.host.CommandsNamed("saslStart")); n != 0 {
		t.Errorf("%d saslStart commands: speculative authentication was not used", n)
	}
	if n := len(srv.host.CommandsNamed("saslContinue")); n == 0 {
		t.Error("no saslContinue")
	}
}

func BenchmarkStartClose(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s, err := Start(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
