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
	Mechanism   string            // "", SCRAM-SHA-1, SCRAM-SHA-256, PLAIN or MONGODB-X509
	Source      string            // authentication database; "" means the mechanism's default
	Username    string            // sent as given: never SASLprep'd
	Password    string            // secret; see PasswordSet
	PasswordSet bool              // a password was given, even an empty one
	Props       map[string]string // authMechanismProperties; none of these mechanisms takes any
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
		case MechanismX509:
			c.Source = externalSource
		case MechanismPLAIN:
			c.Source = firstNonEmpty(uriDatabase, externalSource)
		default:
			c.Source = firstNonEmpty(uriDatabase, defaultSCRAMSource)
		}
	}
	return c, c.Validate()
}

// Validate checks what each mechanism requires (auth spec, "MongoCredential
// properties"). Errors name the field, never the password.
func (c Credential) Validate() error {
	mech, ok := canonicalMechanism(c.Mechanism)
	if !ok {
		return c.invalid(fmt.Sprintf("unsupported mechanism %q (supported: %s, %s, %s, %s)", c.Mechanism,
			MechanismSCRAMSHA256, MechanismSCRAMSHA1, MechanismPLAIN, MechanismX509))
	}
	if len(c.Props) > 0 {
		return c.invalid("mechanism properties are not allowed for " + mechOrDefault(mech))
	}
	hasPassword := c.PasswordSet || c.Password != ""
	switch mech {
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
	case MechanismPLAIN, MechanismX509:
		return externalSource
	}
	return defaultSCRAMSource
}

func canonicalMechanism(m string) (string, bool) {
	switch u := strings.ToUpper(m); u {
	case "", MechanismSCRAMSHA1, MechanismSCRAMSHA256, MechanismPLAIN, MechanismX509:
		return u, true
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
