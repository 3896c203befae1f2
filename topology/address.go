package topology

import (
	"net"
	"strconv"
	"strings"
)

// DefaultPort is the port a server address gets when it names none.
const DefaultPort = 27017

// Address is a server's "host:port", host in lower case, as the client
// connects to it. IPv6 literals keep their brackets: "[::1]:27017".
type Address string

// NewAddress normalizes s: the host is lower-cased (DNS names are
// case-insensitive, RFC 4343) and the default port 27017 is added when s
// has none. It does no look-up and accepts any host text.
func NewAddress(s string) Address {
	host, port := s, ""
	switch {
	case strings.HasPrefix(s, "["): // [v6]:port or [v6]
		if i := strings.LastIndex(s, "]"); i >= 0 {
			host = s[:i+1]
			port = strings.TrimPrefix(s[i+1:], ":")
		}
	case strings.Count(s, ":") == 1:
		i := strings.IndexByte(s, ':')
		host, port = s[:i], s[i+1:]
	case strings.Count(s, ":") > 1: // bare IPv6 literal
		host = "[" + s + "]"
	}
	if port == "" {
		port = strconv.Itoa(DefaultPort)
	}
	if strings.HasSuffix(host, ".sock") { // Unix domain socket path
		return Address(strings.ToLower(host))
	}
	return Address(strings.ToLower(host) + ":" + port)
}

// String returns the address as "host:port".
func (a Address) String() string { return string(a) }

// HostPort splits a into host (without IPv6 brackets) and port.
func (a Address) HostPort() (host, port string, err error) {
	return net.SplitHostPort(string(a))
}

// itoa formats n without fmt.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
