package auth

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// The SCRAM client (RFC 5802; SHA-256 variant RFC 7677) with MongoDB's
// rules: no channel binding ("n,,"), the username sent unprepared, the
// password of SCRAM-SHA-1 replaced by the MongoDB password digest and the
// password of SCRAM-SHA-256 prepared with SASLprep, at least 4096 rounds.
//
// One scramClient is one conversation:
//
//	clientFirst()              -> "n,,n=user,r=<client nonce>"
//	clientFinal(server-first)  -> "c=biws,r=<nonce>,p=<proof>"
//	verifyServerFinal(server-final) checks v=<server signature>
//
// The messages are pure functions of the inputs, the nonce and the key
// cache; no I/O happens here (sasl.go carries them over the connection).

// minIterations is the lowest iteration count MongoDB drivers accept.
const minIterations = 4096

// clientNonceLen is the number of random bytes in the client nonce.
const clientNonceLen = 24

type scramClient struct {
	mechanism string
	newHash   func() hash.Hash
	username  string
	password  string // prepared: digest (SHA-1) or SASLprep'd (SHA-256)
	cache     *keyCache

	clientNonce     string
	clientFirstBare string
	serverSignature []byte // set by clientFinal
	done            bool   // server signature verified
}

// newSCRAMClient prepares a conversation for mechanism (MechanismSCRAMSHA1
// or MechanismSCRAMSHA256). nonce is the client nonce; empty means a fresh
// random one.
func newSCRAMClient(mechanism, username, password, nonce string, cache *keyCache) (*scramClient, error) {
	var prepared string
	switch mechanism {
	case MechanismSCRAMSHA1:
		prepared = mongoPasswordDigest(username, password)
	case MechanismSCRAMSHA256:
		p, err := SASLprep(password)
		if err != nil {
			return nil, fmt.Errorf("password: %w", err)
		}
		prepared = p
	default:
		return nil, fmt.Errorf("%q is not a SCRAM mechanism", mechanism)
	}
	if nonce == "" {
		var b [clientNonceLen]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("client nonce: %w", err)
		}
		nonce = base64.StdEncoding.EncodeToString(b[:])
	}
	return newSCRAMClientPrepared(mechanism, username, prepared, nonce, cache), nil
}

// newSCRAMClientPrepared takes the password already prepared (the RFC test
// vectors use plain passwords with SHA-1, which MongoDB never does).
func newSCRAMClientPrepared(mechanism, username, prepared, nonce string, cache *keyCache) *scramClient {
	h := sha256.New
	if mechanism == MechanismSCRAMSHA1 {
		h = sha1.New
	}
	return &scramClient{
		mechanism:       mechanism,
		newHash:         h,
		username:        username,
		password:        prepared,
		cache:           cache,
		clientNonce:     nonce,
		clientFirstBare: "n=" + escapeSCRAMName(username) + ",r=" + nonce,
	}
}

// mongoPasswordDigest is MongoDB's SCRAM-SHA-1 password: the hex MD5 of
// "user:mongo:password", with neither part prepared.
func mongoPasswordDigest(username, password string) string {
	h := md5.New()
	h.Write([]byte(username))
	h.Write([]byte(":mongo:"))
	h.Write([]byte(password))
	return hex.EncodeToString(h.Sum(nil))
}

// escapeSCRAMName escapes ',' and '=' in a saslname (RFC 5802 section 5.1).
func escapeSCRAMName(s string) string {
	if !strings.ContainsAny(s, ",=") {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '=':
			b = append(b, "=3D"...)
		case ',':
			b = append(b, "=2C"...)
		default:
			b = append(b, s[i])
		}
	}
	return string(b) // a loop, not strings.NewReplacer: that links the generic replacer (10 KB)
}

// clientFirst returns the client-first-message (gs2 header "n,," + bare).
func (c *scramClient) clientFirst() []byte {
	return []byte("n,," + c.clientFirstBare)
}

// clientFinal checks the server-first-message and returns the
// client-final-message with the proof.
func (c *scramClient) clientFinal(ctx context.Context, serverFirst []byte) ([]byte, error) {
	sf, err := parseServerFirst(serverFirst)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(sf.nonce, c.clientNonce) || len(sf.nonce) == len(c.clientNonce) {
		return nil, errors.New("server nonce does not start with client nonce")
	}
	if sf.iter < minIterations {
		return nil, fmt.Errorf("iteration count %d below minimum %d", sf.iter, minIterations)
	}
	keys, err := c.keys(ctx, sf.salt, sf.iter)
	if err != nil {
		return nil, err
	}
	withoutProof := "c=biws,r=" + sf.nonce // biws = base64("n,,")
	authMessage := c.clientFirstBare + "," + string(serverFirst) + "," + withoutProof

	h := c.newHash()
	h.Write(keys.clientKey)
	storedKey := h.Sum(nil)
	proof := hmacSum(c.newHash, storedKey, authMessage)
	for i := range proof {
		proof[i] ^= keys.clientKey[i]
	}
	c.serverSignature = hmacSum(c.newHash, keys.serverKey, authMessage)

	out := make([]byte, 0, len(withoutProof)+3+base64.StdEncoding.EncodedLen(len(proof)))
	out = append(out, withoutProof...)
	out = append(out, ",p="...)
	return base64.StdEncoding.AppendEncode(out, proof), nil
}

// verifyServerFinal checks the server-final-message.
func (c *scramClient) verifyServerFinal(serverFinal []byte) error {
	if c.serverSignature == nil {
		return errors.New("server-final message before client-final")
	}
	attrs, err := splitAttrs(serverFinal)
	if err != nil {
		return err
	}
	switch attrs[0].name {
	case 'e':
		return fmt.Errorf("server rejected the proof: %s", safeServerError(attrs[0].value))
	case 'v':
	default:
		return fmt.Errorf("server-final message: want attribute v or e, got %q", attrs[0].name)
	}
	// Strict: only the one canonical encoding of the signature is accepted
	// (a lax decoder also takes variants whose unused low bits differ).
	sig, err := base64.StdEncoding.Strict().DecodeString(string(attrs[0].value))
	if err != nil {
		return errors.New("bad base64 in server payload (server signature)")
	}
	if !hmac.Equal(sig, c.serverSignature) {
		return errors.New("server signature mismatch")
	}
	c.done = true
	return nil
}

// keys returns ClientKey and ServerKey, from the cache when it can.
func (c *scramClient) keys(ctx context.Context, salt []byte, iter int) (scramKeys, error) {
	k := scramCacheKey{mechanism: c.mechanism, password: sha256.Sum256([]byte(c.password)), salt: string(salt), iter: iter}
	if v, ok := c.cache.get(k); ok {
		return v, nil
	}
	salted, err := pbkdf2(ctx, c.newHash, []byte(c.password), salt, iter)
	if err != nil {
		return scramKeys{}, err
	}
	v := scramKeys{
		clientKey: hmacSum(c.newHash, salted, "Client Key"),
		serverKey: hmacSum(c.newHash, salted, "Server Key"),
	}
	c.cache.put(k, v)
	return v, nil
}

func hmacSum(h func() hash.Hash, key []byte, msg string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// serverFirst is a parsed server-first-message.
type serverFirst struct {
	nonce string
	salt  []byte
	iter  int
}

// parseServerFirst parses "r=<nonce>,s=<salt>,i=<count>[,ext...]".
// A leading "m=" (a mandatory extension) is refused, as RFC 5802 requires;
// optional extensions after i are ignored.
func parseServerFirst(msg []byte) (serverFirst, error) {
	attrs, err := splitAttrs(msg)
	if err != nil {
		return serverFirst{}, err
	}
	if attrs[0].name == 'm' {
		return serverFirst{}, errors.New("server requires a mandatory extension (m=) this client does not support")
	}
	if len(attrs) < 3 || attrs[0].name != 'r' || attrs[1].name != 's' || attrs[2].name != 'i' {
		return serverFirst{}, errors.New("server-first message: want attributes r, s, i in that order")
	}
	var sf serverFirst
	for _, b := range attrs[0].value {
		if b < 0x21 || b > 0x7E { // printable, no space; ',' cannot occur after splitting
			return serverFirst{}, errors.New("server-first message: nonce has a non-printable character")
		}
	}
	sf.nonce = string(attrs[0].value)
	if sf.salt, err = base64.StdEncoding.DecodeString(string(attrs[1].value)); err != nil {
		return serverFirst{}, errors.New("bad base64 in server payload (salt)")
	}
	if len(sf.salt) == 0 {
		return serverFirst{}, errors.New("server-first message: empty salt")
	}
	sf.iter, err = parseIterations(attrs[2].value)
	if err != nil {
		return serverFirst{}, err
	}
	return sf, nil
}

func parseIterations(v []byte) (int, error) {
	if len(v) == 0 || len(v) > 10 || v[0] == '0' {
		return 0, errors.New("server-first message: bad iteration count")
	}
	for _, b := range v {
		if b < '0' || b > '9' {
			return 0, errors.New("server-first message: bad iteration count")
		}
	}
	n, err := strconv.ParseInt(string(v), 10, 32)
	if err != nil {
		return 0, errors.New("server-first message: iteration count out of range")
	}
	return int(n), nil
}

type scramAttr struct {
	name  byte
	value []byte
}

// splitAttrs splits a SCRAM message into its "a=value" attributes. Every
// attribute must be a single ASCII letter followed by '='.
func splitAttrs(msg []byte) ([]scramAttr, error) {
	if len(msg) == 0 {
		return nil, errors.New("empty server payload")
	}
	var attrs []scramAttr
	for i, part := range bytes.Split(msg, []byte(",")) {
		if len(part) < 2 || part[1] != '=' || !isASCIILetter(part[0]) {
			return nil, fmt.Errorf("malformed attribute %d in server payload", i+1)
		}
		attrs = append(attrs, scramAttr{name: part[0], value: part[2:]})
	}
	return attrs, nil
}

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// safeServerError returns the server's e= value when it is one of the
// short tokens RFC 5802 defines (letters and '-'), else a placeholder:
// nothing the server sends is echoed unchecked.
func safeServerError(v []byte) string {
	if len(v) == 0 || len(v) > 64 {
		return "unrecognised server error"
	}
	for _, b := range v {
		if !(b >= 'a' && b <= 'z' || b == '-') {
			return "unrecognised server error"
		}
	}
	return string(v)
}

// scramMechanism runs a scramClient as a saslMechanism.
type scramMechanism struct {
	c     *scramClient
	steps int
}

func (m *scramMechanism) start() []byte { return m.c.clientFirst() }

func (m *scramMechanism) step(ctx context.Context, challenge []byte) ([]byte, error) {
	m.steps++
	switch m.steps {
	case 1:
		return m.c.clientFinal(ctx, challenge)
	case 2:
		return nil, m.c.verifyServerFinal(challenge)
	}
	return nil, errors.New("unexpected server challenge after server-final message")
}

func (m *scramMechanism) completed() bool { return m.c.done }
