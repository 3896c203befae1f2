package srv

import (
	"strings"
)

// domainOf returns the part of an SRV host name returned hosts must end in:
// with three or more labels, everything after the first label
// ("cluster0.example.com" -> "example.com"); with one or two labels, the
// whole name ("localhost", "mongo.local").
func domainOf(srvHost string) string {
	if strings.Count(srvHost, ".") >= 2 {
		return srvHost[strings.IndexByte(srvHost, '.')+1:]
	}
	return srvHost
}

// normalizeHost lower-cases a returned DNS name and drops the root dot.
func normalizeHost(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
}

// verifyTarget checks that target (normalized) lies under the SRV host's
// domain: it must end in "." + domain, which also means it has at least one
// label more than a one- or two-label SRV host, and "evilexample.com" does
// not pass for "example.com".
func verifyTarget(srvHost, target string) bool {
	domain := domainOf(srvHost)
	return len(target) > len(domain)+1 && strings.HasSuffix(target, "."+domain)
}
