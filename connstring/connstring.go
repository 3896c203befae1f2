package connstring

import (
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The two schemes a connection string may use.
const (
	SchemeMongoDB = "mongodb"
	SchemeSRV     = "mongodb+srv"
)

// DefaultPort is the port of a host given without one.
const DefaultPort = 27017

// HostKind says how a host was written.
type HostKind uint8

// Host kinds, as the connection string spec's tests name them.
const (
	HostName      HostKind = iota // a DNS name (or anything that is not an address)
	HostIPv4                      // a dotted-quad IPv4 address
	HostIPLiteral                 // an IPv6 address written in brackets
	HostUnix                      // a Unix domain socket path (percent-encoded, ending in .sock)
)

func (k HostKind) String() string {
	switch k {
	case HostIPv4:
		return "ipv4"
	case HostIPLiteral:
		return "ip_literal"
	case HostUnix:
		return "unix"
	default:
		return "hostname"
	}
}

// Host is one seed of the host list.
type Host struct {
	Kind HostKind
	// Name is the host name (lower-cased), the IP address (IPv6 without
	// brackets) or the decoded socket path.
	Name string
	// Port is the port given in the string, 0 when none was (DefaultPort
	// applies). Always 0 for a Unix socket.
	Port int
}

// Addr returns the address to dial: "name:port" with the default port filled
// in and brackets around IPv6, or the socket path.
func (h Host) Addr() string {
	if h.Kind == HostUnix {
		return h.Name
	}
	port := h.Port
	if port == 0 {
		port = DefaultPort
	}
	return net.JoinHostPort(h.Name, strconv.Itoa(port))
}

// ConnString is a parsed connection string. Every field's zero value means
// "not given: use the default"; pointer fields are nil when not given because
// their zero value is a real setting. Durations come from the *MS (or
// *Seconds) options.
type ConnString struct {
	// Scheme is SchemeMongoDB or SchemeSRV.
	Scheme string
	// Hosts is the seed list. For mongodb+srv it holds the one SRV name
	// (without port); package srv returns the resolved seeds beside it.
	Hosts []Host

	// Username and Password come from the user information, decoded.
	// HasUserInfo is true when the string had an "@"; PasswordSet tells an
	// empty password ("user:@") from none ("user@").
	Username    string
	Password    string
	PasswordSet bool
	HasUserInfo bool
	// Database is the decoded path after the hosts ("/db"), the default
	// database and the default authSource. It alone never asks for auth.
	Database string

	// Authentication: authSource, authMechanism (upper-cased),
	// authMechanismProperties. Credential() resolves their defaults.
	AuthSource              string
	AuthMechanism           string
	AuthMechanismProperties map[string]string

	// Topology: replicaSet, directConnection, loadBalanced.
	ReplicaSet       string
	DirectConnection *bool
	LoadBalanced     *bool

	// TLS: tls (alias ssl); nil means off for mongodb://, on for +srv.
	TLS                           *bool
	TLSCAFile                     string
	TLSCertificateKeyFile         string
	TLSCertificateKeyFilePassword string // secret: never printed
	// TLSInsecure=true implies TLSAllowInvalidCertificates,
	// TLSAllowInvalidHostnames and TLSDisableOCSPEndpointCheck; the URI may
	// not give it together with any of them.
	TLSInsecure                          *bool
	TLSAllowInvalidCertificates          *bool
	TLSAllowInvalidHostnames             *bool
	TLSDisableOCSPEndpointCheck          *bool
	TLSDisableCertificateRevocationCheck *bool

	// Compressors in order of preference ("snappy", "zlib", "zstd", or
	// unknown names the handshake will simply not offer);
	// ZlibCompressionLevel is -1..9.
	Compressors          []string
	ZlibCompressionLevel *int

	// Reads: readPreference (mode as written, e.g. "primaryPreferred"),
	// readPreferenceTags (one map per occurrence, in order; an empty map
	// matches any server), maxStalenessSeconds (negative: no maximum),
	// readConcernLevel.
	ReadPreference     string
	ReadPreferenceTags []map[string]string
	MaxStaleness       *time.Duration
	ReadConcernLevel   string

	// Writes: w (a non-negative number or a tag set name such as
	// "majority", as written), wTimeoutMS, journal.
	W        string
	WTimeout *time.Duration
	Journal  *bool

	RetryWrites *bool
	RetryReads  *bool
	AppName     string

	// Timeouts: zero means "no timeout" where the spec says so, which is
	// why they are pointers. ServerSelectionTimeout 0 means "do not wait".
	ConnectTimeout         *time.Duration
	SocketTimeout          *time.Duration
	ServerSelectionTimeout *time.Duration
	Timeout                *time.Duration // timeoutMS (client-side operation timeout)
	ServerSelectionTryOnce *bool
	// HeartbeatFrequency is at least 500ms when set.
	HeartbeatFrequency time.Duration
	LocalThreshold     *time.Duration
	// ServerMonitoringMode is "stream", "poll" or "auto".
	ServerMonitoringMode string

	// Pool: maxPoolSize (0: no limit), minPoolSize, maxConnecting (>0),
	// maxIdleTimeMS (0: no limit), waitQueueTimeoutMS.
	MaxPoolSize      *int
	MinPoolSize      *int
	MaxConnecting    int
	MaxIdleTime      *time.Duration
	WaitQueueTimeout *time.Duration

	// SRV: srvMaxHosts (0: all), srvServiceName (default "mongodb").
	SRVMaxHosts    *int
	SRVServiceName string

	// SOCKS5 proxy.
	ProxyHost     string
	ProxyPort     *int
	ProxyUsername string
	ProxyPassword string // secret: never printed

	// Client backpressure: maxAdaptiveRetries (>= 0) and
	// enableOverloadRetargeting.
	MaxAdaptiveRetries        *int
	EnableOverloadRetargeting *bool

	// Warnings lists what Parse ignored: unknown options, invalid values,
	// repeated keys, compressors it does not know. They never quote
	// secrets.
	Warnings []string
	// Invalid lists the values of known options that Parse ignored
	// because they are not valid, as errors that name the option and the
	// offset of the value; each is in Warnings too, as its Error text
	// followed by "; ignored". The URI options spec makes them
	// warnings; package client makes them errors.
	Invalid []*Error
}

// IsSRV reports whether the string used the mongodb+srv scheme.
func (c *ConnString) IsSRV() bool { return c.Scheme == SchemeSRV }

// Redacted rebuilds a connection string from the fields, options in a fixed
// order, secrets (password, tlsCertificateKeyFilePassword, proxyPassword,
// authMechanismProperties values) replaced by "xxxxx".
func (c *ConnString) Redacted() string {
	var b strings.Builder
	scheme := c.Scheme
	if scheme == "" {
		scheme = SchemeMongoDB
	}
	b.WriteString(scheme)
	b.WriteString("://")
	if c.HasUserInfo || c.Username != "" {
		b.WriteString(escape(c.Username))
		if c.PasswordSet || c.Password != "" {
			b.WriteString(":xxxxx")
		}
		b.WriteByte('@')
	}
	for i, h := range c.Hosts {
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case h.Kind == HostUnix:
			b.WriteString(escape(h.Name))
		case h.Port != 0:
			b.WriteString(h.Addr())
		case h.Kind == HostIPLiteral:
			b.WriteString("[" + h.Name + "]")
		default:
			b.WriteString(h.Name)
		}
	}
	b.WriteByte('/')
	b.WriteString(escape(c.Database))
	opts := c.optionPairs()
	for i, kv := range opts {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(kv[0])
		b.WriteByte('=')
		b.WriteString(kv[1])
	}
	return b.String()
}

// optionPairs lists the set options as escaped key/value pairs, secrets
// redacted, in the order of the option table.
func (c *ConnString) optionPairs() [][2]string {
	var out [][2]string
	for i := range optionTable {
		o := &optionTable[i]
		for _, v := range o.values(c) {
			out = append(out, [2]string{o.name, v})
		}
	}
	return out
}

func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if isUnreserved(ch) {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

func isUnreserved(ch byte) bool {
	return 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' ||
		ch == '-' || ch == '.' || ch == '_' || ch == '~'
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
