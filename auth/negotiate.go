package auth

import "github.com/torque-go/torque/bson"

// Mechanism negotiation (auth spec, "Mechanism Negotiation via Handshake"):
// when the application names no mechanism, the first hello asks for the
// user's mechanisms with saslSupportedMechs: "<source>.<user>", and the
// reply's saslSupportedMechs array picks SCRAM-SHA-256 if listed, else
// SCRAM-SHA-1 (also when the field is missing). Nothing else is ever
// chosen by default.

// SASLSupportedMechs returns the value of the hello's saslSupportedMechs
// field for cred, or "" when the hello must not carry the field (a
// mechanism was given). The username is used as given, unprepared.
func SASLSupportedMechs(cred Credential) string {
	if cred.Mechanism != "" || cred.Username == "" {
		return ""
	}
	return cred.source() + "." + cred.Username
}

// ChooseMechanism picks the default mechanism from a hello's
// saslSupportedMechs list.
func ChooseMechanism(saslSupportedMechs []string) string {
	for _, m := range saslSupportedMechs {
		if m == MechanismSCRAMSHA256 {
			return MechanismSCRAMSHA256
		}
	}
	return MechanismSCRAMSHA1
}

// mechanismFor returns the mechanism to use for cred after a hello whose
// reply is hello (nil when unknown).
func mechanismFor(cred Credential, hello bson.Raw) string {
	if m, ok := canonicalMechanism(cred.Mechanism); ok && m != "" {
		return m
	}
	return ChooseMechanism(helloMechs(hello))
}

// helloMechs reads the hello reply's saslSupportedMechs strings; entries
// that are not strings are skipped.
func helloMechs(hello bson.Raw) []string {
	arr, ok := hello.Lookup("saslSupportedMechs").Array()
	if !ok {
		return nil
	}
	var out []string
	for _, v := range arr.All() {
		if s, ok := v.StringValue(); ok {
			out = append(out, s)
		}
	}
	return out
}
