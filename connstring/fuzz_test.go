package connstring_test

import (
	"strings"
	"testing"

	"github.com/torque-go/torque/connstring"
)

// FuzzParse checks that Parse never panics and that the password never shows
// in an error, a warning or Redacted. The password is wrapped in markers so
// that it cannot match the parser's own words by chance; the username is
// kept free of the characters that move the user information's end.
func FuzzParse(f *testing.F) {
	seeds := [][3]string{
		{"user", "pass", "localhost:27017/db?w=1"},
		{"u", "p/x", "h"},
		{"u", "a?b=c", "h/?tls=true"},
		{"u%zz", "p", "[::1]:0"},
		{"", "", "%2Ftmp%2Fm.sock/?authMechanism=GSSAPI"},
		{"u", "p", "h/?readPreferenceTags=a:b,c&authMechanismProperties=TOKEN_RESOURCE:x%2Cy"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, user, pass, rest string) {
		if strings.ContainsAny(user, "@/?:") {
			return // the intended password is unknowable
		}
		pw := "Qz" + pass + "zQ"
		uri := "mongodb://" + user + ":" + pw + "@" + rest
		cs, err := connstring.Parse(uri)
		leaked := func(s string) bool {
			return strings.Contains(s, pw) && !strings.Contains(rest, pw) && !strings.Contains(user, pw)
		}
		if err != nil {
			if leaked(err.Error()) {
				t.Fatalf("password in error: %v", err)
			}
			return
		}
		for _, w := range append(cs.Warnings, cs.Redacted()) {
			if leaked(w) {
				t.Fatalf("password shown: %s", w)
			}
		}
		_ = cs.Validate()
		_, _ = connstring.Parse(rest)
	})
}
