package connstring

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
)

// The secrets a ConnString or a Credential holds (the password,
// tlsCertificateKeyFilePassword, proxyPassword, authMechanismProperties
// values) never show, however the value is printed: every fmt verb (%v,
// %+v, %#v, %s, %q) goes through Format, encoding/json through
// MarshalJSON (log/slog's JSON handler uses it), and log/slog through
// LogValue. The methods have value receivers, so a value, a pointer and a
// field of another struct are all covered.

// redacted is what replaces a secret in fmt, JSON and slog output.
const redacted = "xxxxx"

// String returns the connection string rebuilt from the fields, with the
// password and other secrets replaced by "xxxxx". It is Redacted.
func (c ConnString) String() string { return c.Redacted() }

// GoString is String: %#v must not show the password either.
func (c ConnString) GoString() string { return c.Redacted() }

// Format prints Redacted for every verb (%q quotes it).
func (c ConnString) Format(f fmt.State, verb rune) { formatString(f, verb, c.Redacted()) }

// LogValue is Redacted, for log/slog.
func (c ConnString) LogValue() slog.Value { return slog.StringValue(c.Redacted()) }

// MarshalJSON encodes the fields with the secrets replaced by "xxxxx".
func (c ConnString) MarshalJSON() ([]byte, error) {
	type plain ConnString // no methods: no recursion
	p := plain(c)
	p.Password = redactString(p.Password)
	p.TLSCertificateKeyFilePassword = redactString(p.TLSCertificateKeyFilePassword)
	p.ProxyPassword = redactString(p.ProxyPassword)
	p.AuthMechanismProperties = redactValues(p.AuthMechanismProperties)
	return json.Marshal(p)
}

// String describes the credential, its password and property values
// replaced by "xxxxx".
func (cred Credential) String() string {
	s := "connstring.Credential{Mechanism:" + strconv.Quote(cred.Mechanism) +
		", Source:" + strconv.Quote(cred.Source) + ", Username:" + strconv.Quote(cred.Username)
	if cred.PasswordSet || cred.Password != "" {
		s += ", Password:" + redacted
	}
	if len(cred.Props) > 0 {
		s += ", Props:" + fmt.Sprint(redactValues(cred.Props))
	}
	return s + "}"
}

// GoString is String: %#v must not show the password either.
func (cred Credential) GoString() string { return cred.String() }

// Format prints String for every verb (%q quotes it).
func (cred Credential) Format(f fmt.State, verb rune) { formatString(f, verb, cred.String()) }

// LogValue groups the fields, the secrets redacted, for log/slog.
func (cred Credential) LogValue() slog.Value {
	return slog.GroupValue(slog.String("Mechanism", cred.Mechanism), slog.String("Source", cred.Source),
		slog.String("Username", cred.Username), slog.String("Password", redactString(cred.Password)),
		slog.Bool("PasswordSet", cred.PasswordSet), slog.Any("Props", redactValues(cred.Props)))
}

// MarshalJSON encodes the fields with the secrets replaced by "xxxxx".
func (cred Credential) MarshalJSON() ([]byte, error) {
	type plain Credential
	p := plain(cred)
	p.Password = redactString(p.Password)
	p.Props = redactValues(p.Props)
	return json.Marshal(p)
}

func formatString(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// redactString is "xxxxx" for a set secret, "" for none.
func redactString(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// redactValues copies m with every value replaced by "xxxxx".
func redactValues(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k := range m {
		out[k] = redacted
	}
	return out
}
