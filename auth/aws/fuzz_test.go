package aws

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
)

// FuzzAWSServerFirst feeds arbitrary MONGODB-AWS server-first payloads to
// the client: an error or a signed client-second, never a panic, and
// nothing signed unless the nonce extends the client's and the host is a
// valid name.
func FuzzAWSServerFirst(f *testing.F) {
	nonce := bytes.Repeat([]byte{7}, 32)
	f.Add(awsFirst(append(bytes.Clone(nonce), make([]byte, 32)...), "sts.amazonaws.com"))
	f.Add(awsFirst(append(bytes.Clone(nonce), make([]byte, 31)...), "sts.amazonaws.com"))
	f.Add(awsFirst(append(bytes.Clone(nonce), make([]byte, 32)...), "a..b"))
	f.Add([]byte{5, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, payload []byte) {
		m := &awsMechanism{creds: auth.AWSCredentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, clientNonce: nonce}
		m.now = func() time.Time { return time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC) }
		out, err := m.step(context.Background(), payload)
		if err != nil {
			return
		}
		s, _ := bson.Raw(payload).Lookup("s").Binary()
		host, _ := bson.Raw(payload).Lookup("h").StringValue()
		if !bytes.HasPrefix(s.Data, nonce) || len(s.Data) != 64 {
			t.Fatalf("signed after a server nonce %x", s.Data)
		}
		if _, err := awsRegion(host); err != nil {
			t.Fatalf("signed for host %q: %v", host, err)
		}
		if a, ok := bson.Raw(out).Lookup("a").StringValue(); !ok || len(a) == 0 {
			t.Fatalf("client-second %v", bson.Raw(out))
		}
	})
}
