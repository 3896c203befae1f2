package aws

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
)

// awsFakeServer plays a MongoDB server and the STS service behind it for
// MONGODB-AWS, over the Commander interface. It verifies the client's
// signature with its own implementation of the SigV4 verification math
// (written from AWS's description, sharing no code with sigv4.go): it
// rebuilds the request it expects from what it sent and what the client
// claims, derives the signing key from the secret it knows for the access
// key id, and compares signatures in constant time.
type awsFakeServer struct {
	t       testing.TB
	secrets map[string]string // access key id -> secret access key
	tokens  map[string]string // access key id -> required session token ("" none)
	host    string            // the STS host sent in server-first
	region  string            // the region that host implies
	now     time.Time         // the server's clock (the client's X-Amz-Date must be within 15 minutes)

	// Hooks to misbehave: rewrite the server-first payload.
	serverFirst func(nonce []byte, host string) []byte

	clientNonce []byte
	serverNonce []byte
	cmds        []bson.Raw
	verified    int // successful verifications
}

func newAWSFakeServer(t testing.TB) *awsFakeServer {
	return &awsFakeServer{t: t, secrets: map[string]string{}, tokens: map[string]string{},
		host: "sts.us-west-2.amazonaws.com", region: "us-west-2", now: time.Now()}
}

func (s *awsFakeServer) Command(_ context.Context, db string, cmd []byte) (bson.Raw, error) {
	doc := bson.Raw(bytes.Clone(cmd))
	s.cmds = append(s.cmds, doc)
	if db != "$external" {
		return s.fail(18, "MONGODB-AWS must use $external"), nil
	}
	first, err := doc.Index(0)
	if err != nil {
		return nil, err
	}
	payload, _ := doc.Lookup("payload").Binary()
	switch first.Key() {
	case "saslStart":
		if m, _ := doc.Lookup("mechanism").StringValue(); m != "MONGODB-AWS" {
			return s.fail(2, "mechanism"), nil
		}
		return s.start(payload.Data), nil
	case "saslContinue":
		if err := s.verify(payload.Data); err != nil {
			s.t.Logf("fake STS refuses: %v", err)
			return s.fail(18, "Authentication failed."), nil
		}
		s.verified++
		return s.reply(true, nil), nil
	}
	return nil, fmt.Errorf("fake: unexpected command %q", first.Key())
}

func (s *awsFakeServer) start(p []byte) bson.Raw {
	r, ok := bson.Raw(p).Lookup("r").Binary()
	flag, _ := bson.Raw(p).Lookup("p").Int32()
	if !ok || len(r.Data) != 32 || flag != 'n' {
		return s.fail(18, "bad client-first")
	}
	s.clientNonce = r.Data
	s.serverNonce = append(bytes.Clone(r.Data), make([]byte, 32)...)
	_, _ = rand.Read(s.serverNonce[32:])
	var payload []byte
	if s.serverFirst != nil {
		payload = s.serverFirst(s.serverNonce, s.host)
	} else {
		payload = doc(func(d []byte) []byte {
			d = bson.AppendBinaryElement(d, "s", 0, s.serverNonce)
			return bson.AppendStringElement(d, "h", s.host)
		})
	}
	return s.reply(false, payload)
}

// verify checks client-second {a, d, t} as STS would check the request.
func (s *awsFakeServer) verify(p []byte) error {
	msg := bson.Raw(p)
	authz, _ := msg.Lookup("a").StringValue()
	date, _ := msg.Lookup("d").StringValue()
	token, hasToken := msg.Lookup("t").StringValue()
	when, err := time.Parse("20060102T150405Z", date)
	if err != nil || when.Sub(s.now).Abs() > 15*time.Minute {
		return errors.New("X-Amz-Date missing or skewed")
	}
	rest, ok := strings.CutPrefix(authz, "AWS4-HMAC-SHA256 Credential=")
	if !ok {
		return errors.New("not an AWS4-HMAC-SHA256 Authorization")
	}
	parts := strings.Split(rest, ", ")
	if len(parts) != 3 || !strings.HasPrefix(parts[1], "SignedHeaders=") || !strings.HasPrefix(parts[2], "Signature=") {
		return errors.New("malformed Authorization")
	}
	scope := strings.Split(parts[0], "/") // AKID/yyyymmdd/region/sts/aws4_request
	if len(scope) != 5 || scope[1] != date[:8] || scope[2] != s.region || scope[3] != "sts" || scope[4] != "aws4_request" {
		return fmt.Errorf("credential scope %v is not for %s/%s/sts", scope[1:], date[:8], s.region)
	}
	secret, known := s.secrets[scope[0]]
	if !known {
		return errors.New("unknown access key id")
	}
	if want := s.tokens[scope[0]]; want != token || (want != "") != hasToken {
		return errors.New("session token missing or wrong")
	}
	headers := []string{"content-length:43", "content-type:application/x-www-form-urlencoded", "host:" + s.host,
		"x-amz-date:" + date}
	if hasToken {
		headers = append(headers, "x-amz-security-token:"+token)
	}
	headers = append(headers, "x-mongodb-gs2-cb-flag:n", "x-mongodb-server-nonce:"+base64.StdEncoding.EncodeToString(s.serverNonce))
	var names []string
	for _, h := range headers {
		names = append(names, h[:strings.IndexByte(h, ':')])
	}
	if got := strings.TrimPrefix(parts[1], "SignedHeaders="); got != strings.Join(names, ";") {
		return fmt.Errorf("signed headers %q, want %q", got, strings.Join(names, ";"))
	}
	body := sha256.Sum256([]byte("Action=GetCallerIdentity&Version=2011-06-15"))
	canonical := "POST\n/\n\n" + strings.Join(headers, "\n") + "\n\n" + strings.Join(names, ";") + "\n" + hex.EncodeToString(body[:])
	creq := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", date, strings.Join(scope[1:], "/"), hex.EncodeToString(creq[:])}, "\n")
	key := []byte("AWS4" + secret)
	for _, step := range scope[1:] { // date, region, service, terminator
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(step))
		key = mac.Sum(nil)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(toSign))
	want := hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(strings.TrimPrefix(parts[2], "Signature="))) {
		return errors.New("signature does not match")
	}
	return nil
}

func (s *awsFakeServer) reply(done bool, payload []byte) bson.Raw {
	return doc(func(d []byte) []byte {
		d = bson.AppendInt32Element(d, "conversationId", 1)
		d = bson.AppendBooleanElement(d, "done", done)
		d = bson.AppendBinaryElement(d, "payload", 0, payload)
		return bson.AppendDoubleElement(d, "ok", 1)
	})
}

func (s *awsFakeServer) fail(code int32, msg string) bson.Raw {
	return doc(func(d []byte) []byte {
		d = bson.AppendDoubleElement(d, "ok", 0)
		d = bson.AppendInt32Element(d, "code", code)
		return bson.AppendStringElement(d, "errmsg", msg)
	})
}

// doc builds a document with fill.
func doc(fill func([]byte) []byte) []byte {
	start, d := bson.AppendDocumentStart(nil)
	d = fill(d)
	d, _ = bson.AppendDocumentEnd(d, start)
	return d
}
