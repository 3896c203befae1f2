package auth

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
)

// fakeServer plays the server side of SCRAM, PLAIN and X.509 over the
// Commander interface. It derives its stored keys itself, checks the
// client's proof the way a server does, and can be told to misbehave.
type fakeServer struct {
	t        testing.TB
	user     string
	password string // plain password
	mechs    []string
	salt     []byte
	iter     int
	nonce    string // server part of the nonce

	skipEmptyExchangeIgnored bool // play a server older than 4.4
	// Hooks to break the conversation. step is 1 for the saslStart reply,
	// 2 for the first saslContinue reply, 3 for the next.
	payload func(step int, p []byte) []byte // rewrite a payload
	reply   func(step int, r []byte) []byte // replace a whole reply
	done    func(step int, d bool) bool     // rewrite done

	step        int
	mech        string
	clientFirst string
	serverFirst string
	authMessage string
	cmds        []bson.Raw // every command received, copied
	dbs         []string
	stored      map[string][2][]byte // mechanism -> StoredKey, ServerKey, as a server keeps them
}

func newFakeServer(t testing.TB) *fakeServer {
	return &fakeServer{
		t: t, user: "user", password: "pencil",
		mechs: []string{MechanismSCRAMSHA1, MechanismSCRAMSHA256},
		salt:  []byte("0123456789abcdef"), iter: 4096, nonce: "3rfcNHYJY1ZVvWVs7j",
	}
}

func (s *fakeServer) Command(ctx context.Context, db string, cmd []byte) (bson.Raw, error) {
	doc := bson.Raw(bytes.Clone(cmd))
	s.cmds = append(s.cmds, doc)
	s.dbs = append(s.dbs, db)
	if got, _ := doc.Lookup("$db").StringValue(); got != db {
		return nil, fmt.Errorf("fake: $db %q != db %q", got, db)
	}
	first, err := doc.Index(0)
	if err != nil {
		return nil, err
	}
	switch first.Key() {
	case "saslStart":
		return s.saslStart(doc)
	case "saslContinue":
		return s.saslContinue(doc)
	case "authenticate":
		return s.authenticate(doc)
	}
	return nil, fmt.Errorf("fake: unknown command %q", first.Key())
}

func (s *fakeServer) hashFor(mech string) func() hash.Hash {
	if mech == MechanismSCRAMSHA1 {
		return sha1.New
	}
	return sha256.New
}

// keys derives the server's StoredKey and ServerKey from the plain password.
func (s *fakeServer) keys(mech string) (storedKey, serverKey []byte) {
	if k, ok := s.stored[mech]; ok {
		return k[0], k[1]
	}
	pw := s.password
	if mech == MechanismSCRAMSHA1 {
		pw = mongoPasswordDigest(s.user, s.password)
	} else {
		var err error
		if pw, err = SASLprep(pw); err != nil {
			s.t.Fatalf("fake: %v", err)
		}
	}
	h := s.hashFor(mech)
	salted, err := pbkdf2(context.Background(), h, []byte(pw), s.salt, s.iter)
	if err != nil {
		s.t.Fatal(err)
	}
	ck := hmacSum(h, salted, "Client Key")
	d := h()
	d.Write(ck)
	storedKey, serverKey = d.Sum(nil), hmacSum(h, salted, "Server Key")
	if s.stored == nil {
		s.stored = map[string][2][]byte{}
	}
	s.stored[mech] = [2][]byte{storedKey, serverKey}
	return storedKey, serverKey
}

func (s *fakeServer) saslStart(doc bson.Raw) (bson.Raw, error) {
	s.step = 1
	s.mech, _ = doc.Lookup("mechanism").StringValue()
	payload, ok := doc.Lookup("payload").Binary()
	if !ok {
		return nil, errors.New("fake: saslStart without binary payload")
	}
	if s.mech == MechanismPLAIN {
		if string(payload.Data) != "\x00"+s.user+"\x00"+s.password {
			return s.fail(18, "Authentication failed.")
		}
		return s.saslReply(nil, true)
	}
	known := false
	for _, m := range s.mechs {
		known = known || m == s.mech
	}
	if !known {
		return s.fail(334, "Unsupported mechanism")
	}
	if skip, _ := doc.Lookup("options", "skipEmptyExchange").Boolean(); !skip {
		s.skipEmptyExchangeIgnored = true
	}
	return s.serverFirstReply(payload.Data)
}

func (s *fakeServer) serverFirstReply(clientFirst []byte) (bson.Raw, error) {
	gs2, bare, ok := strings.Cut(string(clientFirst), "n,,")
	if !ok || gs2 != "" {
		return nil, fmt.Errorf("fake: client-first without n,, header")
	}
	user, nonce, ok := strings.Cut(bare, ",r=")
	if !ok || user != "n="+escapeSCRAMName(s.user) {
		return s.fail(18, "Authentication failed.")
	}
	s.clientFirst = bare
	s.serverFirst = fmt.Sprintf("r=%s%s,s=%s,i=%d", nonce, s.nonce, base64.StdEncoding.EncodeToString(s.salt), s.iter)
	return s.saslReply([]byte(s.serverFirst), false)
}

// SpeculativeReply returns what a server puts in the hello's
// speculativeAuthenticate for the client's embedded saslStart.
func (s *fakeServer) speculativeReply(spec bson.Raw) bson.Raw {
	s.step = 1
	s.mech, _ = spec.Lookup("mechanism").StringValue()
	p, _ := spec.Lookup("payload").Binary()
	r, err := s.serverFirstReply(p.Data)
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

func (s *fakeServer) saslContinue(doc bson.Raw) (bson.Raw, error) {
	s.step++
	if id, _ := doc.Lookup("conversationId").Int32(); id != 1 {
		return nil, fmt.Errorf("fake: conversationId %d", id)
	}
	payload, ok := doc.Lookup("payload").Binary()
	if !ok {
		return nil, errors.New("fake: saslContinue without binary payload")
	}
	if s.step >= 3 { // the empty exchange of old servers
		if len(payload.Data) != 0 {
			return nil, errors.New("fake: third message not empty")
		}
		return s.saslReply(nil, true)
	}
	if s.step != 2 {
		return nil, fmt.Errorf("fake: unexpected saslContinue at step %d", s.step)
	}
	withoutProof, proofB64, ok := strings.Cut(string(payload.Data), ",p=")
	if !ok {
		return nil, errors.New("fake: client-final without proof")
	}
	s.authMessage = s.clientFirst + "," + s.serverFirst + "," + withoutProof
	storedKey, serverKey := s.keys(s.mech)
	h := s.hashFor(s.mech)
	proof, err := base64.StdEncoding.DecodeString(proofB64)
	if err != nil || len(proof) != h().Size() {
		return s.fail(18, "Authentication failed.")
	}
	sig := hmacSum(h, storedKey, s.authMessage)
	for i := range proof {
		proof[i] ^= sig[i]
	}
	d := h()
	d.Write(proof)
	if !hmac.Equal(d.Sum(nil), storedKey) {
		return s.fail(18, "Authentication failed.")
	}
	v := "v=" + base64.StdEncoding.EncodeToString(hmacSum(h, serverKey, s.authMessage))
	return s.saslReply([]byte(v), !s.skipEmptyExchangeIgnored)
}

func (s *fakeServer) authenticate(doc bson.Raw) (bson.Raw, error) {
	if m, _ := doc.Lookup("mechanism").StringValue(); m != MechanismX509 {
		return s.fail(334, "Unsupported mechanism")
	}
	return mustDoc(s.t, func(dst []byte) []byte {
		dst = bson.AppendStringElement(dst, "dbname", "$external")
		dst = bson.AppendStringElement(dst, "user", "CN=client")
		return bson.AppendDoubleElement(dst, "ok", 1)
	}), nil
}

func (s *fakeServer) saslReply(payload []byte, done bool) (bson.Raw, error) {
	if s.payload != nil {
		payload = s.payload(s.step, payload)
	}
	if s.done != nil {
		done = s.done(s.step, done)
	}
	r := mustDoc(s.t, func(dst []byte) []byte {
		dst = bson.AppendInt32Element(dst, "conversationId", 1)
		dst = bson.AppendBooleanElement(dst, "done", done)
		dst = bson.AppendBinaryElement(dst, "payload", 0, payload)
		return bson.AppendDoubleElement(dst, "ok", 1)
	})
	if s.reply != nil {
		r = s.reply(s.step, r)
	}
	return r, nil
}

func (s *fakeServer) fail(code int32, msg string) (bson.Raw, error) {
	return mustDoc(s.t, func(dst []byte) []byte {
		dst = bson.AppendDoubleElement(dst, "ok", 0)
		dst = bson.AppendStringElement(dst, "errmsg", msg)
		return bson.AppendInt32Element(dst, "code", code)
	}), nil
}

// mustDoc builds a document from the elements body appends.
func mustDoc(t testing.TB, body func([]byte) []byte) bson.Raw {
	t.Helper()
	start, dst := bson.AppendDocumentStart(nil)
	dst = body(dst)
	dst, err := bson.AppendDocumentEnd(dst, start)
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
