package connstring

import (
	"net"
	"strconv"
	"strings"
)

// parser holds the state of one Parse call.
type parser struct {
	uri string
	cs  *ConnString
	// quote is false when the string has an "@" after the host list: then
	// the user information may have been cut in the wrong place and any
	// part of the string could be a piece of the password, so messages
	// quote nothing.
	quote bool
	seen  map[string]int  // canonical option name -> times given
	tls   map[string]bool // "tls"/"ssl" values given, to find disagreement
}

// Parse parses a mongodb:// or mongodb+srv:// connection string. It never
// does I/O: resolving +srv is package srv's job. Unknown options and invalid
// values of known options are ignored and listed in Warnings; anything the
// specs call an error returns an *Error, which never quotes the password.
func Parse(uri string) (*ConnString, error) {
	p := &parser{uri: uri, cs: &ConnString{}, seen: map[string]int{}, tls: map[string]bool{}}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.cs, nil
}

func (p *parser) parse() error {
	off, err := p.scheme()
	if err != nil {
		return err
	}
	rest := p.uri[off:]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	p.quote = !strings.Contains(rest[end:], "@")
	authority := rest[:end]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		if err := p.userinfo(authority[:at], off); err != nil {
			return err
		}
		if err := p.hosts(authority[at+1:], off+at+1); err != nil {
			return err
		}
	} else if err := p.hosts(authority, off); err != nil {
		return err
	}
	off += end
	rest = rest[end:]
	if strings.HasPrefix(rest, "/") {
		dbEnd := strings.IndexByte(rest, '?')
		if dbEnd < 0 {
			dbEnd = len(rest)
		}
		if err := p.database(rest[1:dbEnd], off+1); err != nil {
			return err
		}
		off += dbEnd
		rest = rest[dbEnd:]
	}
	if strings.HasPrefix(rest, "?") {
		if err := p.options(rest[1:], off+1); err != nil {
			return err
		}
	}
	if err := p.afterOptions(); err != nil {
		return err
	}
	return p.cs.Validate()
}

func (p *parser) scheme() (int, error) {
	for _, s := range []string{SchemeMongoDB, SchemeSRV} {
		if strings.HasPrefix(p.uri, s+"://") {
			p.cs.Scheme = s
			return len(s) + 3, nil
		}
	}
	return 0, errorf("scheme", 0, `must be "mongodb://" or "mongodb+srv://"`)
}

// userinfo decodes "user[:password]". It never puts any of its text in an
// error.
func (p *parser) userinfo(s string, off int) error {
	const hint = "the username and password must be URL-encoded (percent-encode '@', ':', '/' and '%')"
	if strings.IndexByte(s, '@') >= 0 {
		return errorf("user information", off, "unescaped '@'; %s", hint)
	}
	user, pass, hasPass := strings.Cut(s, ":")
	if strings.IndexByte(pass, ':') >= 0 {
		return errorf("user information", off, "more than one ':'; %s", hint)
	}
	u, ok := unescape(user)
	if !ok {
		return errorf("user information", off, "malformed percent-encoding in the username; %s", hint)
	}
	pw, ok := unescape(pass)
	if !ok {
		return errorf("user information", off, "malformed percent-encoding in the password; %s", hint)
	}
	if u == "" {
		return errorf("user information", off, "the username is empty")
	}
	p.cs.HasUserInfo = true
	p.cs.Username, p.cs.Password, p.cs.PasswordSet = u, pw, hasPass
	return nil
}

// show quotes s for a message when that is safe, else returns "".
func (p *parser) show(s string) string {
	if !p.quote {
		return ""
	}
	return strconv.Quote(s) + " "
}

func (p *parser) hosts(s string, off int) error {
	if s == "" {
		return errorf("host", off, "no host given")
	}
	for _, h := range strings.Split(s, ",") {
		host, err := p.host(h, off)
		if err != nil {
			return err
		}
		p.cs.Hosts = append(p.cs.Hosts, host)
		off += len(h) + 1
	}
	return nil
}

func (p *parser) host(s string, off int) (Host, error) {
	if s == "" {
		return Host{}, errorf("host", off, "empty host in the host list")
	}
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return Host{}, errorf("host", off, "IPv6 literal %swithout ']'", p.show(s))
		}
		ip := net.ParseIP(s[1:end])
		if ip == nil || ip.To4() != nil && !strings.Contains(s[1:end], ":") {
			return Host{}, errorf("host", off, "%sis not an IPv6 address", p.show(s[:end+1]))
		}
		h := Host{Kind: HostIPLiteral, Name: s[1:end]}
		tail := s[end+1:]
		if tail == "" {
			return h, nil
		}
		if tail[0] != ':' {
			return Host{}, errorf("host", off+end+1, "unexpected text after ']'")
		}
		port, err := p.port(tail[1:], off+end+2)
		h.Port = port
		return h, err
	}
	name, portText, hasPort := s, "", false
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		name, portText, hasPort = s[:i], s[i+1:], true
		if strings.IndexByte(name, ':') >= 0 {
			// Not quoted: "user:pass:word" with its '@' missing would show
			// the password.
			return Host{}, errorf("host", off, "has more than one ':' (IPv6 addresses go in brackets)")
		}
	}
	decoded, ok := unescape(name)
	if !ok {
		return Host{}, errorf("host", off, "%shas malformed percent-encoding", p.show(name))
	}
	if decoded == "" {
		return Host{}, errorf("host", off, "empty host name")
	}
	h := Host{Kind: HostName, Name: strings.ToLower(decoded)}
	if strings.IndexByte(decoded, '/') >= 0 {
		if !strings.HasSuffix(decoded, ".sock") {
			return Host{}, errorf("host", off, "%scontains '/' but is not a socket path ending in .sock", p.show(decoded))
		}
		if hasPort {
			return Host{}, errorf("host", off, "a Unix socket path takes no port")
		}
		return Host{Kind: HostUnix, Name: decoded}, nil
	}
	if ip := net.ParseIP(decoded); ip != nil && ip.To4() != nil && strings.Count(decoded, ".") == 3 {
		h.Kind = HostIPv4
	}
	if hasPort {
		port, err := p.port(portText, off+len(name)+1)
		if err != nil {
			return Host{}, err
		}
		h.Port = port
	}
	return h, nil
}

// port parses a port. Its text is never quoted in an error: in
// "mongodb://user:PW/db", with the '@' missing, the "port" is the password.
func (p *parser) port(s string, off int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || s == "" || s[0] == '+' || s[0] == '-' || n < 1 || n > 65535 {
		hint := ""
		if err != nil {
			hint = " (if this is user information, its '@' is missing)"
		}
		return 0, errorf("host", off, "port must be a number from 1 to 65535%s", hint)
	}
	return n, nil
}

func (p *parser) database(s string, off int) error {
	if strings.IndexByte(s, '@') >= 0 {
		// Most likely a '/' in the user information cut the string early;
		// a real '@' in a database name must be written %40.
		return errorf("database", off, "unescaped '@' after the host list (percent-encode '/' in the user information and '@' in the database name)")
	}
	db, ok := unescape(s)
	if !ok {
		return errorf("database", off, "malformed percent-encoding")
	}
	if i := strings.IndexAny(db, "/\\ \"$"); i >= 0 {
		return errorf("database", off, "name %smay not contain %q", p.show(db), db[i])
	}
	p.cs.Database = db
	return nil
}

// unescape percent-decodes s. It fails on a '%' not followed by two hex
// digits; '+' stays '+'.
func unescape(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", false
		}
		b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 2
	}
	return string(b), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}
