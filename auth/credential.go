package auth

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Mechanism names, as the server and connection strings spell them.
const (
	MechanismSCRAMSHA1   = "SCRAM-SHA-1"
	MechanismSCRAMSHA256 = "SCRAM-SHA-256"
	MechanismPLAIN       = "PLAIN"
	MechanismX509        = "MONGODB-X509"
	MechanismAWS         = "MONGODB-AWS"
	MechanismOIDC        = "MONGODB-OIDC"
	MechanismGSSAPI      = "GSSAPI" // recognised only to refuse it clearly: see ErrGSSAPI
)

// Default authentication databases.
const (
	defaultSCRAMSource = "admin"
	externalSource     = "$external"
)

// Credential is who a connection authenticates as. Its zero Mechanism means
// "negotiate": SCRAM-SHA-256 when the server offers it for the user, else
// SCRAM-SHA-1. A Credential is a plain value: copy it freely; it is never
// modified by this package.
//
// Printing a Credential (or a pointer to one) with any fmt verb shows the
// password as "<redacted>". Go's fmt cannot call that method on a
// Credential stored in an unexported field of another struct, so types
// that hold one should not be printed with %v wholesale.
type Credential struct {
	Mechanism   string // "", SCRAM-SHA-1, SCRAM-SHA-256, PLAIN, MONGODB-X509, MONGODB-AWS or MONGODB-OIDC
	Source      string // authentication database; "" means the mechanism's default
	Username    string // sent as given: never SASLprep'd
	Password    string // secret; see PasswordSet
	PasswordSet bool   // a password was given, even an empty one
	// Props are the authMechanismProperties (names case-insensitive):
	// MONGODB-AWS takes AWS_SESSION_TOKEN, MONGODB-OIDC ENVIRONMENT (test,
	// azure, gcp, k8s) and TOKEN_RESOURCE; no other mechanism takes any.
	Props map[string]string

	// AWSCredentialProvider, for MONGODB-AWS, supplies the AWS credentials
	// instead of the built-in chain (environment, then the providers of
	// package auth/cloud when it is imported). For MONGODB-AWS, Username
	// and Password set in code are an access key id and its secret.
	AWSCredentialProvider AWSCredentialProvider
	// OIDCMachineCallback and OIDCHumanCallback, for MONGODB-OIDC, return
	// access tokens (at most one of them, and not with ENVIRONMENT).
	OIDCMachineCallback OIDCCallback
	OIDCHumanCallback   OIDCCallback
	// OIDCAllowedHosts is ALLOWED_HOSTS of the human flow: the hosts
	// ("*.example.com" matches any subdomain) to which a human callback's
	// token may be sent. nil means DefaultOIDCAllowedHosts. It cannot come
	// from a connection string.
	OIDCAllowedHosts []string

	// state holds the client's state of a registered mechanism (the
	// caches of MONGODB-AWS and MONGODB-OIDC), shared by every copy of a
	// credential that WithDefaults returned (one client).
	state *mechState
}

// WithDefaults returns the credential with Mechanism in canonical case and
// Source filled in as the auth spec says: for SCRAM (and negotiation) the
// connection string's database, else "admin"; for PLAIN the database, else
// "$external"; for MONGODB-X509 always "$external". uriDatabase is the
// database named in the connection string ("" if none). It then validates
// the result.
func (c Credential) WithDefaults(uriDatabase string) (Credential, error) {
	if m, ok := canonicalMechanism(c.Mechanism); ok {
		c.Mechanism = m
	}
	if c.Source == "" {
		switch c.Mechanism {
		case MechanismX509, MechanismAWS, MechanismOIDC:
			c.Source = externalSource
		case MechanismPLAIN:
			c.Source = firstNonEmpty(uriDatabase, externalSource)
		default:
			c.Source = firstNonEmpty(uriDatabase, defaultSCRAMSource)
		}
	}
	if c.state == nil {
		if m := registered(c.Mechanism); m != nil {
			c.state = &mechState{client: m.NewClientState()}
		}
	}
	return c, c.Validate()
}

// Validate checks what each mechanism requires (auth spec, "MongoCredential
// properties"). Errors name the field, never the password.
func (c Credential) Validate() error {
	mech, ok := canonicalMechanism(c.Mechanism)
	if mech == MechanismGSSAPI {
		return &AuthError{Mechanism: mech, Source: c.Source, Username: c.Username, Err: ErrGSSAPI}
	}
	if !ok {
		return c.invalid(fmt.Sprintf("unsupported mechanism %q (supported: %s, %s, %s, %s, %s, %s)", c.Mechanism,
			MechanismSCRAMSHA256, MechanismSCRAMSHA1, MechanismPLAIN, MechanismX509, MechanismAWS, MechanismOIDC))
	}
	if msg := c.checkMechanismFields(mech); msg != "" {
		return c.invalid(msg)
	}
	hasPassword := c.PasswordSet || c.Password != ""
	switch mech {
	case MechanismAWS, MechanismOIDC:
		m := registered(mech)
		if m == nil {
			return &AuthError{Mechanism: mech, Source: c.Source, Username: c.Username, Err: errNotLinked(mech)}
		}
		return c.invalidIf(m.Validate(c))
	case MechanismX509:
		if hasPassword {
			return c.invalid("a password is not allowed for " + MechanismX509)
		}
		if c.Source != "" && c.Source != externalSource {
			return c.invalid("source must be \"$external\" for " + MechanismX509)
		}
	default: // SCRAM, negotiation and PLAIN
		if c.Username == "" {
			return c.invalid("a username is required for " + mechOrDefault(mech))
		}
		if !hasPassword {
			return c.invalid("a password is required for " + mechOrDefault(mech))
		}
	}
	return nil
}

// checkMechanismFields refuses properties and callbacks given to a
// mechanism that takes none of them.
func (c Credential) checkMechanismFields(mech string) string {
	if mech != MechanismAWS && c.AWSCredentialProvider != nil {
		return "AWSCredentialProvider is only for " + MechanismAWS
	}
	if mech != MechanismOIDC && (c.OIDCMachineCallback != nil || c.OIDCHumanCallback != nil || c.OIDCAllowedHosts != nil) {
		return "OIDC callbacks and allowed hosts are only for " + MechanismOIDC
	}
	if len(c.Props) > 0 && mech != MechanismAWS && mech != MechanismOIDC {
		return "mechanism properties are not allowed for " + mechOrDefault(mech)
	}
	if (mech == MechanismAWS || mech == MechanismOIDC) && c.Source != "" && c.Source != externalSource {
		return "source must be \"$external\" for " + mech
	}
	return ""
}

func (c Credential) invalidIf(msg string) error {
	if msg == "" {
		return nil
	}
	return c.invalid(msg)
}

// Prop returns the mechanism property name (case-insensitive).
func (c Credential) Prop(name string) (string, bool) {
	if v, ok := c.Props[name]; ok {
		return v, true
	}
	for k, v := range c.Props {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

func (c Credential) invalid(msg string) error {
	return &AuthError{Mechanism: c.Mechanism, Source: c.Source, Username: c.Username, Err: errors.New("invalid credential: " + msg)}
}

// source returns Source, or the mechanism's default when no connection
// string database is known.
func (c Credential) source() string {
	if c.Source != "" {
		return c.Source
	}
	switch strings.ToUpper(c.Mechanism) {
	case MechanismPLAIN, MechanismX509, MechanismAWS, MechanismOIDC:
		return externalSource
	}
	return defaultSCRAMSource
}

func canonicalMechanism(m string) (string, bool) {
	switch u := strings.ToUpper(m); u {
	case "", MechanismSCRAMSHA1, MechanismSCRAMSHA256, MechanismPLAIN, MechanismX509, MechanismAWS, MechanismOIDC:
		return u, true
	case MechanismGSSAPI:
		return u, false
	}
	return m, false
}

func mechOrDefault(m string) string {
	if m == "" {
		return "the default mechanism"
	}
	return m
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// String describes the credential without its password.
func (c Credential) String() string {
	var b strings.Builder
	b.WriteString("auth.Credential{Mechanism:")
	b.WriteString(strconv.Quote(c.Mechanism))
	b.WriteString(", Source:")
	b.WriteString(strconv.Quote(c.Source))
	b.WriteString(", Username:")
	b.WriteString(strconv.Quote(c.Username))
	if c.PasswordSet || c.Password != "" {
		b.WriteString(", Password:<redacted>")
	}
	if len(c.Props) > 0 {
		b.WriteString(", Props:<" + strconv.Itoa(len(c.Props)) + " redacted>")
	}
	if c.AWSCredentialProvider != nil {
		b.WriteString(", AWSCredentialProvider:set")
	}
	if c.OIDCMachineCallback != nil {
		b.WriteString(", OIDCMachineCallback:set")
	}
	if c.OIDCHumanCallback != nil {
		b.WriteString(", OIDCHumanCallback:set")
	}
	if c.OIDCAllowedHosts != nil {
		b.WriteString(", OIDCAllowedHosts:" + strconv.Quote(strings.Join(c.OIDCAllowedHosts, ",")))
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String: %#v must not show the password either.
func (c Credential) GoString() string { return c.String() }

// Format prints String for every verb (%v, %+v, %#v, %s, %q, ...).
func (c Credential) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprint(f, strconv.Quote(c.String()))
		return
	}
	fmt.Fprint(f, c.String())
}

// MarshalJSON writes the fields String shows, the secrets redacted, so that
// encoding/json (and log/slog's JSON handler) never print a password.
func (c Credential) MarshalJSON() ([]byte, error) {
	b := []byte(`{"Mechanism":`)
	b = appendJSONString(b, c.Mechanism)
	b = append(b, `,"Source":`...)
	b = appendJSONString(b, c.Source)
	b = append(b, `,"Username":`...)
	b = appendJSONString(b, c.Username)
	if c.PasswordSet || c.Password != "" {
		b = append(b, `,"Password":"[redacted]"`...)
	}
	if len(c.Props) > 0 {
		b = append(b, `,"Props":"[redacted]"`...)
	}
	return append(b, '}'), nil
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
