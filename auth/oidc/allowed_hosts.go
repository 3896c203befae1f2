package oidc

import (
	"strings"

	"github.com/torque-go/torque/auth"
)

// allowedHosts is OIDCAllowedHosts, or the default list when nil.
func allowedHosts(c auth.Credential) []string {
	if c.OIDCAllowedHosts == nil {
		return auth.DefaultOIDCAllowedHosts
	}
	return c.OIDCAllowedHosts
}

// hostAllowed reports whether addr ("host:port", "[v6]:port" or a bare
// host) matches one of the patterns; "*.d" matches any name under d.
func hostAllowed(addr string, patterns []string) bool {
	host := strings.ToLower(hostOnly(addr))
	for _, p := range patterns {
		p = strings.ToLower(p)
		if suffix, ok := strings.CutPrefix(p, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
		} else if host == p {
			return true
		}
	}
	return false
}

// hostOnly strips the port from an address.
func hostOnly(addr string) string {
	if strings.HasPrefix(addr, "[") {
		if end := strings.IndexByte(addr, ']'); end > 0 {
			return addr[1:end]
		}
		return addr
	}
	if i := strings.LastIndexByte(addr, ':'); i >= 0 && strings.Count(addr, ":") == 1 {
		return addr[:i]
	}
	return addr
}
