package connstring

import "strings"

// Authentication mechanism names (authMechanism).
const (
	MechSCRAMSHA1   = "SCRAM-SHA-1"
	MechSCRAMSHA256 = "SCRAM-SHA-256"
	MechPLAIN       = "PLAIN"
	MechX509        = "MONGODB-X509"
	MechGSSAPI      = "GSSAPI"
	MechAWS         = "MONGODB-AWS"
	MechOIDC        = "MONGODB-OIDC"
)

// Credential is the effective credential of a connection string, defaults
// filled in as the auth spec says.
type Credential struct {
	// Mechanism is "" when the handshake should negotiate SCRAM-SHA-256 or
	// SCRAM-SHA-1.
	Mechanism   string
	Source      string // the database to authenticate against
	Username    string
	Password    string // secret
	PasswordSet bool
	Props       map[string]string // authMechanismProperties, defaults added
}

// mechanismRules are what each mechanism accepts, per the auth spec.
type mechanismRules struct {
	needUser      bool
	noUser        bool // a username is an error
	noPassword    bool
	external      bool   // authSource must be (and defaults to) $external
	defaultSource string // when not external: "" means the database, else admin
	props         []string
}

// mechanisms lists the rules of each mechanism (static data, looked up by
// rulesOf).
var mechanisms = [...]struct {
	name  string
	rules mechanismRules
}{
	{"", mechanismRules{needUser: true, defaultSource: "admin"}},
	{MechSCRAMSHA1, mechanismRules{needUser: true, defaultSource: "admin"}},
	{MechSCRAMSHA256, mechanismRules{needUser: true, defaultSource: "admin"}},
	{MechPLAIN, mechanismRules{needUser: true, defaultSource: "$external"}},
	{MechX509, mechanismRules{noPassword: true, external: true}},
	{MechGSSAPI, mechanismRules{needUser: true, external: true,
		props: []string{"SERVICE_NAME", "CANONICALIZE_HOST_NAME", "SERVICE_REALM", "SERVICE_HOST"}}},
	{MechAWS, mechanismRules{noUser: true, noPassword: true, external: true}},
	{MechOIDC, mechanismRules{noPassword: true, external: true, props: []string{"ENVIRONMENT", "TOKEN_RESOURCE"}}},
}

// rulesOf returns the rules of the (upper-case) mechanism.
func rulesOf(mech string) (mechanismRules, bool) {
	for _, m := range mechanisms {
		if m.name == mech {
			return m.rules, true
		}
	}
	return mechanismRules{}, false
}

// Credential returns the credential the string asks for, or nil when it asks
// for none (no user information and no authMechanism: a database or
// authSource alone does not ask for authentication). The error explains a
// credential the auth spec rejects; it never contains the password.
func (c *ConnString) Credential() (*Credential, error) {
	if !c.HasUserInfo && c.Username == "" && c.AuthMechanism == "" {
		return nil, nil
	}
	mech := strings.ToUpper(c.AuthMechanism)
	rules, ok := rulesOf(mech)
	if !ok {
		return nil, errorf("option authMechanism", -1, "unsupported mechanism %q", c.AuthMechanism)
	}
	name := mech
	if name == "" {
		name = "the default mechanism"
	}
	switch {
	case rules.needUser && c.Username == "":
		return nil, errorf("user information", -1, "%s needs a username", name)
	case rules.noUser && c.Username != "":
		return nil, errorf("user information", -1, "%s takes no username or password in the connection string", name)
	case rules.noPassword && (c.PasswordSet || c.Password != ""):
		return nil, errorf("user information", -1, "%s takes no password", name)
	case rules.external && c.AuthSource != "" && c.AuthSource != "$external":
		return nil, errorf("option authSource", -1, "%s needs authSource $external", name)
	}
	cred := &Credential{Mechanism: mech, Username: c.Username, Password: c.Password,
		PasswordSet: c.PasswordSet, Source: c.source(rules)}
	if len(c.AuthMechanismProperties) > 0 {
		cred.Props = make(map[string]string, len(c.AuthMechanismProperties))
		for k, v := range c.AuthMechanismProperties {
			cred.Props[strings.ToUpper(k)] = v // property names are case-insensitive (auth spec)
		}
	}
	if err := cred.checkProps(rules); err != nil {
		return nil, err
	}
	return cred, nil
}

func (c *ConnString) source(rules mechanismRules) string {
	switch {
	case c.AuthSource != "":
		return c.AuthSource
	case rules.external:
		return "$external"
	case c.Database != "":
		return c.Database
	}
	return rules.defaultSource
}

// checkProps validates authMechanismProperties and fills their defaults.
// Error messages name keys, never values.
func (cred *Credential) checkProps(rules mechanismRules) error {
	for k := range cred.Props {
		if k == "ALLOWED_HOSTS" && cred.Mechanism == MechOIDC {
			return errorf("option authMechanismProperties", -1, "ALLOWED_HOSTS cannot come from a connection string (auth spec): set it in code")
		}
		if !contains(rules.props, k) {
			return errorf("option authMechanismProperties", -1, "property %q is not supported by %s", k, mechName(cred.Mechanism))
		}
	}
	switch cred.Mechanism {
	case MechGSSAPI:
		if cred.Props == nil {
			cred.Props = map[string]string{}
		}
		if cred.Props["SERVICE_NAME"] == "" {
			cred.Props["SERVICE_NAME"] = "mongodb"
		}
		if v, ok := cred.Props["CANONICALIZE_HOST_NAME"]; ok &&
			!contains([]string{"true", "false", "none", "forward", "forwardAndReverse"}, v) {
			return errorf("option authMechanismProperties", -1,
				"CANONICALIZE_HOST_NAME must be none, forward, forwardAndReverse, true or false")
		}
	case MechOIDC:
		return cred.checkOIDC()
	}
	return nil
}

func (cred *Credential) checkOIDC() error {
	const part = "option authMechanismProperties"
	env, ok := cred.Props["ENVIRONMENT"]
	if !ok {
		return errorf(part, -1, "MONGODB-OIDC needs an ENVIRONMENT property (test, azure, gcp or k8s)")
	}
	switch env {
	case "test", "k8s":
		if cred.Username != "" {
			return errorf("user information", -1, "MONGODB-OIDC with ENVIRONMENT %s takes no username", env)
		}
	case "azure", "gcp":
		if _, ok := cred.Props["TOKEN_RESOURCE"]; !ok {
			return errorf(part, -1, "MONGODB-OIDC with ENVIRONMENT %s needs TOKEN_RESOURCE", env)
		}
	default:
		return errorf(part, -1, "ENVIRONMENT must be test, azure, gcp or k8s")
	}
	return nil
}

func mechName(m string) string {
	if m == "" {
		return "the default mechanism"
	}
	return m
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
