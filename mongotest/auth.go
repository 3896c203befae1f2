package mongotest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"
	"sync"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
)

// scramIterations is the iteration count of the stored keys: the lowest
// that drivers accept, so that tests authenticate fast.
const scramIterations = 4096

// users are the server's users, by "db.name". Safe for concurrent use.
type users struct {
	on bool // authentication required (Options.Users given)
	mu sync.Mutex
	m  map[string]*userRec
}

type userRec struct {
	name, db string
	keys     map[string]scramKeys // by mechanism
}

type scramKeys struct {
	stored, server, salt []byte
}

func newUsers(list []User) (*users, error) {
	u := &users{on: len(list) > 0, m: map[string]*userRec{}}
	for _, usr := range list {
		if err := u.add(usr); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func (u *users) enabled() bool { return u.on }

// add derives and stores usr's keys; an existing user is an error.
func (u *users) add(usr User) error {
	if usr.Source == "" {
		usr.Source = "admin"
	}
	if usr.Name == "" {
		return badValue("mongotest: a user needs a name")
	}
	mechs := usr.Mechanisms
	if len(mechs) == 0 {
		mechs = []string{auth.MechanismSCRAMSHA1, auth.MechanismSCRAMSHA256}
	}
	rec := &userRec{name: usr.Name, db: usr.Source, keys: map[string]scramKeys{}}
	for _, m := range mechs {
		salt := make([]byte, 16)
		_, _ = rand.Read(salt)
		stored, server, err := auth.SCRAMServerKeys(m, usr.Name, usr.Password, salt, scramIterations)
		if err != nil {
			return badValue("mongotest: user %s: %v", usr.Name, err)
		}
		rec.keys[m] = scramKeys{stored: stored, server: server, salt: salt}
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	key := usr.Source + "." + usr.Name
	if _, ok := u.m[key]; ok {
		return cmdErrorf(51003, "Location51003", "User \"%s@%s\" already exists", usr.Name, usr.Source)
	}
	u.m[key] = rec
	return nil
}

func (u *users) get(db, name string) *userRec {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.m[db+"."+name]
}

func (u *users) remove(db, name string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, ok := u.m[db+"."+name]
	delete(u.m, db+"."+name)
	return ok
}

// mechanisms answers hello's saslSupportedMechs "db.user" (nil: no user).
func (u *users) mechanisms(dbUser string) bson.A {
	db, name, _ := strings.Cut(dbUser, ".")
	rec := u.get(db, name)
	if rec == nil {
		return nil
	}
	out := bson.A{}
	for _, m := range []string{auth.MechanismSCRAMSHA1, auth.MechanismSCRAMSHA256} {
		if _, ok := rec.keys[m]; ok {
			out = append(out, m)
		}
	}
	return out
}

func splitUserKey(k string) (db, name string) {
	db, name, _ = strings.Cut(k, ".")
	return db, name
}

// scramSrv is the server side of one SCRAM conversation.
type scramSrv struct {
	mech        string
	user        *userRec
	keys        scramKeys
	clientFirst string // bare
	serverFirst string
	skipEmpty   bool
	step        int // 1 after server-first, 2 after server-final
}

func (k scramSrv) hash() func() hash.Hash {
	if k.mech == auth.MechanismSCRAMSHA1 {
		return sha1.New
	}
	return sha256.New
}

func authFailed() *cmdError {
	return cmdErrorf(18, "AuthenticationFailed", "Authentication failed.")
}

// start reads the client-first message and returns the server-first.
func (s *Server) scramStart(db, mech string, payload []byte) (*scramSrv, []byte, error) {
	if mech != auth.MechanismSCRAMSHA1 && mech != auth.MechanismSCRAMSHA256 {
		return nil, nil, cmdErrorf(2, "BadValue", "Received authentication for mechanism %s which is not enabled", mech)
	}
	bare, ok := strings.CutPrefix(string(payload), "n,,")
	if !ok {
		return nil, nil, badValue("SCRAM: the client-first message must start with n,, (no channel binding)")
	}
	userPart, nonce, ok := strings.Cut(bare, ",r=")
	name, ok2 := strings.CutPrefix(userPart, "n=")
	if !ok || !ok2 || nonce == "" {
		return nil, nil, badValue("SCRAM: malformed client-first message")
	}
	name = strings.NewReplacer("=2C", ",", "=3D", "=").Replace(name)
	rec := s.users.get(db, name)
	if rec == nil {
		return nil, nil, authFailed()
	}
	keys, ok := rec.keys[mech]
	if !ok {
		return nil, nil, cmdErrorf(334, "MechanismUnavailable", "Unable to use %s based authentication for user without any %s credentials registered", mech, mech)
	}
	sn := make([]byte, 18)
	_, _ = rand.Read(sn)
	conv := &scramSrv{mech: mech, user: rec, keys: keys, clientFirst: bare, step: 1}
	conv.serverFirst = fmt.Sprintf("r=%s%s,s=%s,i=%d", nonce, base64.StdEncoding.EncodeToString(sn),
		base64.StdEncoding.EncodeToString(keys.salt), scramIterations)
	return conv, []byte(conv.serverFirst), nil
}

// finish checks the client-final message's proof and returns the
// server-final message.
func (conv *scramSrv) finish(payload []byte) ([]byte, error) {
	withoutProof, proofB64, ok := strings.Cut(string(payload), ",p=")
	if !ok {
		return nil, badValue("SCRAM: the client-final message has no proof")
	}
	nonce := ""
	for _, attr := range strings.Split(withoutProof, ",") {
		if v, ok := strings.CutPrefix(attr, "r="); ok {
			nonce = v
		}
	}
	if !strings.HasPrefix(conv.serverFirst, "r="+nonce+",") {
		return nil, authFailed()
	}
	h := conv.hash()
	authMessage := conv.clientFirst + "," + conv.serverFirst + "," + withoutProof
	proof, err := base64.StdEncoding.DecodeString(proofB64)
	if err != nil || len(proof) != h().Size() {
		return nil, authFailed()
	}
	sig := hmacSum(h, conv.keys.stored, authMessage)
	for i := range proof {
		proof[i] ^= sig[i]
	}
	d := h()
	d.Write(proof)
	if !hmac.Equal(d.Sum(nil), conv.keys.stored) {
		return nil, authFailed()
	}
	conv.step = 2
	return []byte("v=" + base64.StdEncoding.EncodeToString(hmacSum(h, conv.keys.server, authMessage))), nil
}

func hmacSum(h func() hash.Hash, key []byte, msg string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
