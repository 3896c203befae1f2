package connstring

import (
	"strconv"
	"strings"
	"time"
)

// option is one entry of the option table: its canonical name, and what
// is special about it. An option whose set (show) is nil is parsed
// (written back for Redacted) by the type of its ConnString field, which
// ConnString.field finds by name: a string, a *bool, an *int within
// [min, max] or a *time.Duration given in milliseconds.
type option struct {
	name     string
	secret   bool                // values never appear in messages or Redacted
	list     bool                // repeating the key adds to a list instead of replacing
	min, max int32               // an *int field's range
	check    func(string) string // a string field's check: "" or what a valid value is
	set      func(p *parser, o *option, raw string, off int) error
	show     func(c *ConnString) []string
}

// optionTable lists every option Parse knows, in the order Redacted writes
// them. Keys match case-insensitively. It is static data: no code runs to
// build it.
var optionTable = [...]option{
	{name: "appname", check: checkAppName},
	{name: "authMechanism", set: setAuthMechanism},
	{name: "authMechanismProperties", secret: true, set: setAuthMechanismProperties, show: showAuthProps},
	{name: "authSource", set: setAuthSource},
	{name: "compressors", set: setCompressors, show: showCompressors},
	{name: "connectTimeoutMS"},
	{name: "directConnection"},
	{name: "heartbeatFrequencyMS", set: setHeartbeat, show: showHeartbeat},
	{name: "journal"},
	{name: "loadBalanced"},
	{name: "localThresholdMS"},
	{name: "maxAdaptiveRetries", max: maxInt32},
	{name: "enableOverloadRetargeting"},
	{name: "maxConnecting", set: setMaxConnecting, show: showMaxConnecting},
	{name: "maxIdleTimeMS"},
	{name: "maxPoolSize", max: maxInt32},
	{name: "maxStalenessSeconds", set: setMaxStaleness, show: showMaxStaleness},
	{name: "minPoolSize", max: maxInt32},
	{name: "proxyHost"},
	{name: "proxyPort", max: 65535},
	{name: "proxyUsername"},
	{name: "proxyPassword", secret: true},
	{name: "readConcernLevel"},
	{name: "readPreference", set: setReadPreference},
	{name: "readPreferenceTags", list: true, set: setReadPreferenceTags, show: showTags},
	{name: "replicaSet"},
	{name: "retryReads"},
	{name: "retryWrites"},
	{name: "serverMonitoringMode", check: checkMonitoringMode},
	{name: "serverSelectionTimeoutMS"},
	{name: "serverSelectionTryOnce"},
	{name: "socketTimeoutMS"},
	{name: "srvMaxHosts", max: maxInt32},
	{name: "srvServiceName", check: checkServiceName},
	{name: "timeoutMS"},
	{name: "tls"},
	{name: "tlsAllowInvalidCertificates"},
	{name: "tlsAllowInvalidHostnames"},
	{name: "tlsCAFile"},
	{name: "tlsCertificateKeyFile"},
	{name: "tlsCertificateKeyFilePassword", secret: true},
	{name: "tlsDisableCertificateRevocationCheck"},
	{name: "tlsDisableOCSPEndpointCheck"},
	{name: "tlsInsecure"},
	{name: "w", set: setW},
	{name: "waitQueueTimeoutMS"},
	{name: "wTimeoutMS"},
	{name: "zlibCompressionLevel", min: -1, max: 9},
}

const maxInt32 = 1<<31 - 1

// lookupOption returns the option of a lower-cased key ("ssl" is the
// alias of "tls"), nil if there is none.
func lookupOption(lower string) *option {
	if lower == "ssl" {
		lower = "tls"
	}
	for i := range optionTable {
		if strings.EqualFold(optionTable[i].name, lower) {
			return &optionTable[i]
		}
	}
	return nil
}

// options parses the query: "k=v" pairs separated by '&'.
func (p *parser) options(query string, off int) error {
	for _, pair := range strings.Split(query, "&") {
		if err := p.option(pair, off); err != nil {
			return err
		}
		off += len(pair) + 1
	}
	return nil
}

func (p *parser) option(pair string, off int) error {
	if pair == "" {
		return nil
	}
	rawKey, raw, ok := strings.Cut(pair, "=")
	key, kok := unescape(rawKey)
	if !kok {
		return errorf("option", off, "malformed percent-encoding in an option name")
	}
	lower := strings.ToLower(key)
	o := lookupOption(lower)
	part := "option " + key
	if o != nil {
		part = "option " + o.name
	} else if !p.quote {
		part = "option"
	}
	if !ok {
		return errorf(part, off, "no '=' and value")
	}
	if o == nil {
		p.warnf(part, off, "unknown option ignored")
		return nil
	}
	p.seen[lower]++
	if p.seen[lower] > 1 && !o.list && lower != "tls" && lower != "ssl" {
		if strings.HasPrefix(lower, "proxy") {
			return errorf(part, off, "given more than once")
		}
		p.warnf(part, off, "given more than once; the last value is used")
	}
	if lower == "tls" || lower == "ssl" {
		p.tls[raw] = true
	}
	return p.set(o, raw, off+len(rawKey)+1)
}

// warnf records a warning in the same shape as an Error.
func (p *parser) warnf(part string, off int, format string, args ...any) {
	p.cs.Warnings = append(p.cs.Warnings, errorf(part, off, format, args...).Error())
}

// value decodes an option's value. An empty value is reported and ignored
// (ok=false) unless allowEmpty.
func (p *parser) value(o *option, raw string, off int, allowEmpty bool) (string, bool, error) {
	v, ok := unescape(raw)
	if !ok {
		return "", false, errorf("option "+o.name, off, "malformed percent-encoding in the value")
	}
	if v == "" && !allowEmpty {
		p.invalidf("option "+o.name, off, "empty value")
		return "", false, nil
	}
	return v, true, nil
}

// invalid warns that a value was ignored, quoting it when that is safe.
func (p *parser) invalid(o *option, v string, off int, want string) {
	q := ""
	if !o.secret {
		q = p.show(v)
	}
	p.invalidf("option "+o.name, off, "value %sis invalid: %s", q, want)
}

// invalidf records an invalid value: an Error in Invalid, and the same
// text followed by "; ignored" in Warnings.
func (p *parser) invalidf(part string, off int, format string, args ...any) {
	e := errorf(part, off, format, args...)
	p.cs.Warnings = append(p.cs.Warnings, e.Error()+"; ignored")
	p.cs.Invalid = append(p.cs.Invalid, e)
}

// parseInt parses a 32-bit integer within [min, max], warning otherwise.
func (p *parser) parseInt(o *option, raw string, off, min, max int) (int, bool, error) {
	v, ok, err := p.value(o, raw, off, false)
	if !ok || err != nil {
		return 0, false, err
	}
	n, perr := strconv.ParseInt(v, 10, 32)
	if perr != nil || int(n) < min || int(n) > max {
		want := "must be an integer"
		switch {
		case max == maxInt32:
			want = "must be an integer >= " + strconv.Itoa(min)
		case perr == nil:
			want = "must be an integer from " + strconv.Itoa(min) + " to " + strconv.Itoa(max)
		}
		p.invalid(o, v, off, want)
		return 0, false, nil
	}
	return int(n), true, nil
}

func setHeartbeat(p *parser, o *option, raw string, off int) error {
	n, ok, err := p.parseInt(o, raw, off, 500, maxInt32)
	if ok {
		p.cs.HeartbeatFrequency = time.Duration(n) * time.Millisecond
	}
	return err
}

func showHeartbeat(c *ConnString) []string {
	if c.HeartbeatFrequency == 0 {
		return nil
	}
	return []string{strconv.FormatInt(c.HeartbeatFrequency.Milliseconds(), 10)}
}

func setMaxConnecting(p *parser, o *option, raw string, off int) error {
	n, ok, err := p.parseInt(o, raw, off, 1, maxInt32)
	if ok {
		p.cs.MaxConnecting = n
	}
	return err
}

func showMaxConnecting(c *ConnString) []string {
	if c.MaxConnecting == 0 {
		return nil
	}
	return []string{strconv.Itoa(c.MaxConnecting)}
}

// setMaxStaleness takes -1 (no maximum) or a positive number of seconds;
// 0 is invalid (Max Staleness specification), not "none".
func setMaxStaleness(p *parser, o *option, raw string, off int) error {
	n, ok, err := p.parseInt(o, raw, off, -1, maxInt32)
	if ok && n == 0 {
		p.invalid(o, raw, off, "must be -1 (no maximum) or a positive number of seconds")
		return nil
	}
	if ok {
		d := time.Duration(n) * time.Second
		p.cs.MaxStaleness = &d
	}
	return err
}

func showMaxStaleness(c *ConnString) []string {
	if c.MaxStaleness == nil {
		return nil
	}
	if *c.MaxStaleness < 0 {
		return []string{"-1"}
	}
	return []string{strconv.FormatInt(int64(*c.MaxStaleness/time.Second), 10)}
}

func checkAppName(v string) string {
	if len(v) > 128 {
		return "longer than 128 bytes"
	}
	return ""
}

func checkMonitoringMode(v string) string {
	if v != "stream" && v != "poll" && v != "auto" {
		return `must be "stream", "poll" or "auto"`
	}
	return ""
}

// checkServiceName follows RFC 6335 names, allowing up to 62 characters.
func checkServiceName(v string) string {
	const want = "must be letters, digits and inner hyphens, at most 62 characters"
	if len(v) > 62 || v[0] == '-' || v[len(v)-1] == '-' {
		return want
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isUnreserved(c) || c == '.' || c == '_' || c == '~' {
			return want
		}
	}
	return ""
}

var readPreferenceModes = []string{"primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"}

func setReadPreference(p *parser, o *option, raw string, off int) error {
	v, ok, err := p.value(o, raw, off, false)
	if !ok || err != nil {
		return err
	}
	for _, m := range readPreferenceModes {
		if strings.EqualFold(v, m) {
			p.cs.ReadPreference = m
			return nil
		}
	}
	p.invalid(o, v, off, "must be one of "+strings.Join(readPreferenceModes, ", "))
	return nil
}

func setW(p *parser, o *option, raw string, off int) error {
	v, ok, err := p.value(o, raw, off, false)
	if !ok || err != nil {
		return err
	}
	if n, err := strconv.ParseInt(v, 10, 32); err == nil && n < 0 {
		p.invalid(o, v, off, "must be a non-negative integer or a tag name")
		return nil
	}
	p.cs.W = v
	return nil
}

func setAuthMechanism(p *parser, o *option, raw string, off int) error {
	v, ok, err := p.value(o, raw, off, false)
	if ok {
		p.cs.AuthMechanism = strings.ToUpper(v)
	}
	return err
}

func setAuthSource(p *parser, o *option, raw string, off int) error {
	v, _, err := p.value(o, raw, off, true)
	if err == nil && v == "" {
		err = errorf("option authSource", off, "empty value: name a database or leave the option out")
	}
	p.cs.AuthSource = v
	return err
}

// knownCompressor reports whether name is a compressor of the wire
// protocol.
func knownCompressor(name string) bool {
	return name == "snappy" || name == "zlib" || name == "zstd"
}

func setCompressors(p *parser, o *option, raw string, off int) error {
	v, ok, err := p.value(o, raw, off, false)
	if !ok || err != nil {
		return err
	}
	p.cs.Compressors = nil
	for _, name := range strings.Split(v, ",") {
		if !knownCompressor(name) {
			// A warning only, never an Invalid value: a compressor torque
			// does not know is simply not offered.
			p.warnf("option "+o.name, off, "value %signored: unknown compressor (want snappy, zlib or zstd)", p.show(name))
			continue
		}
		p.cs.Compressors = append(p.cs.Compressors, name)
	}
	return nil
}

func showCompressors(c *ConnString) []string {
	if len(c.Compressors) == 0 {
		return nil
	}
	return []string{strings.Join(c.Compressors, ",")}
}
