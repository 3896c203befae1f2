package connstring

import (
	"strings"
)

// keyValues parses "k1:v1,k2:v2": split on ',' and then on the first ':'
// before percent-decoding, so an encoded value may hold ':' or '&', and an
// unencoded value may hold ':' ("TOKEN_RESOURCE:mongodb://foo"). A decoded
// value that holds ',' is kept but warned about: the spec forbids it since
// it cannot be told apart from the separator. ok is false (after a warning)
// when the text is not key:value pairs.
func (p *parser) keyValues(o *option, raw string, off int) (map[string]string, bool, error) {
	m := map[string]string{}
	if raw == "" {
		return m, true, nil
	}
	for _, item := range strings.Split(raw, ",") {
		rk, rv, found := strings.Cut(item, ":")
		k, kok := unescape(rk)
		v, vok := unescape(rv)
		if !kok || !vok {
			return nil, false, errorf("option "+o.name, off, "malformed percent-encoding in the value")
		}
		if !found || k == "" {
			p.invalid(o, item, off, "must be comma-separated key:value pairs")
			return nil, false, nil
		}
		if strings.IndexByte(v, ',') >= 0 {
			p.warnf("option "+o.name, off, "the value of key %s contains a comma, which connection strings cannot carry", p.showKey(k))
		}
		m[k] = v
	}
	return m, true, nil
}

func (p *parser) showKey(k string) string {
	if !p.quote {
		return "(not shown)"
	}
	return k
}

func setAuthMechanismProperties(p *parser, o *option, raw string, off int) error {
	m, ok, err := p.keyValues(o, raw, off)
	if ok && len(m) > 0 {
		p.cs.AuthMechanismProperties = m
	}
	return err
}

func showAuthProps(c *ConnString) []string {
	if len(c.AuthMechanismProperties) == 0 {
		return nil
	}
	var parts []string
	for _, k := range sortedKeys(c.AuthMechanismProperties) {
		parts = append(parts, escape(k)+":xxxxx")
	}
	return []string{strings.Join(parts, ",")}
}

// setReadPreferenceTags adds one tag set per occurrence; an empty value is
// the empty tag set, which matches any server.
func setReadPreferenceTags(p *parser, o *option, raw string, off int) error {
	m, ok, err := p.keyValues(o, raw, off)
	if ok {
		p.cs.ReadPreferenceTags = append(p.cs.ReadPreferenceTags, m)
	}
	return err
}

func showTags(c *ConnString) []string {
	var out []string
	for _, set := range c.ReadPreferenceTags {
		var parts []string
		for _, k := range sortedKeys(set) {
			parts = append(parts, escape(k)+":"+escape(set[k]))
		}
		out = append(out, strings.Join(parts, ","))
	}
	return out
}
