package auth

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
)

// FuzzServerFirst feeds arbitrary server-first messages to a client: it
// must return an error or a well-formed client-final, never panic.
func FuzzServerFirst(f *testing.F) {
	for _, v := range scramVectors {
		f.Add(v.serverFirst)
	}
	f.Add("m=x,r=a,s=b,i=4096")
	f.Add("r=rOprNGfwEbeRWgbNEkqOX,s=,i=4096")
	f.Add("r=rOprNGfwEbeRWgbNEkqOX,s=c2FsdA==,i=99999999999")
	f.Add(",,,")
	f.Fuzz(func(t *testing.T, msg string) {
		c := newSCRAMClientPrepared(MechanismSCRAMSHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO", newKeyCache(2))
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // a huge iteration count stops at the first context check
		out, err := c.clientFinal(ctx, []byte(msg))
		if err != nil {
			return
		}
		sf, perr := parseServerFirst([]byte(msg))
		if perr != nil || sf.iter < minIterations || !strings.HasPrefix(sf.nonce, c.clientNonce) {
			t.Fatalf("accepted %q (parse: %+v, %v)", msg, sf, perr)
		}
		if !strings.HasPrefix(string(out), "c=biws,r="+sf.nonce+",p=") {
			t.Fatalf("client-final %q", out)
		}
	})
}

// FuzzServerFinal: only the true signature (optionally followed by
// extensions) may be accepted.
func FuzzServerFinal(f *testing.F) {
	v := scramVectors[1]
	f.Add(v.serverFinal)
	f.Add(v.serverFinal + ",x=1")
	f.Add("e=invalid-proof")
	f.Add("v=")
	cache := newKeyCache(2) // derive the keys once, not per input
	f.Fuzz(func(t *testing.T, msg string) {
		c := newSCRAMClientPrepared(v.mechanism, v.user, v.password, v.nonce, cache)
		if _, err := c.clientFinal(context.Background(), []byte(v.serverFirst)); err != nil {
			t.Fatal(err)
		}
		if err := c.verifyServerFinal([]byte(msg)); err != nil {
			return
		}
		sig, _, _ := strings.Cut(msg, ",")
		want := "v=" + base64.StdEncoding.EncodeToString(c.serverSignature)
		if sig != want {
			t.Fatalf("accepted %q", msg)
		}
	})
}

// FuzzSASLReply feeds arbitrary bytes as a server reply to a conversation.
func FuzzSASLReply(f *testing.F) {
	f.Add([]byte{5, 0, 0, 0, 0})
	f.Add([]byte(mustDoc(f, func(d []byte) []byte {
		d = bson.AppendInt32Element(d, "conversationId", 1)
		d = bson.AppendBooleanElement(d, "done", false)
		return bson.AppendBinaryElement(d, "payload", 0, []byte("r=abc,s=c2FsdA==,i=4096"))
	})))
	f.Fuzz(func(t *testing.T, reply []byte) {
		sc := newSCRAMClientPrepared(MechanismSCRAMSHA256, "user", "pencil", "abc", newKeyCache(2))
		c := commanderFunc(func(context.Context, string, []byte) (bson.Raw, error) { return reply, nil })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := continueSASL(ctx, c, "admin", &scramMechanism{c: sc}, reply); err == nil {
			t.Fatalf("conversation succeeded on fuzzed replies %x", reply)
		}
	})
}

// FuzzSASLprep: SASLprep never panics, and its output is stable (preparing
// twice gives the same result) whenever it succeeds.
func FuzzSASLprep(f *testing.F) {
	for _, s := range []string{"I\u00ADX", "\u2168", "\u0627\u0031", "e\u0301\u0323", "\uAC00\u11A8", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := SASLprep(s)
		if err != nil {
			return
		}
		q, err := SASLprep(p)
		if err != nil || q != p {
			t.Fatalf("SASLprep not idempotent on %+q: %+q then %+q, %v", s, p, q, err)
		}
	})
}
