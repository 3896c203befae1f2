package client

import (
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// ParseURI reads a mongodb:// or mongodb+srv:// connection string into
// Options. Options the URI cannot express (Monitor, Logger, Dialer) stay
// zero.
//
// Nothing in the URI is ignored silently:
//   - an invalid value of a known option (readPreference=secondry,
//     maxPoolSize=abc, journal=yes) is an error that names the option and
//     its byte offset;
//   - an option torque does not support (the proxy* options, revocation checks) is an
//     error that says so;
//   - an unknown option (foo=bar), an option given twice, or a compressor
//     torque does not know is a warning, listed in Options.Warnings (and
//     logged by Connect through Options.Logger); with Options.StrictURI,
//     Connect makes them errors.
//
// Errors never contain the password.
func ParseURI(uri string) (Options, error) {
	cs, err := connstring.Parse(uri)
	if err != nil {
		return Options{}, err
	}
	if err := cs.Validate(); err != nil {
		return Options{}, err
	}
	if len(cs.Invalid) > 0 {
		return Options{}, cs.Invalid[0]
	}
	if err := checkSupported(cs); err != nil {
		return Options{}, err
	}
	var o Options
	o.Warnings = uriWarnings(cs)
	if cs.IsSRV() {
		o.srv = cs
	} else {
		for _, h := range cs.Hosts {
			o.Hosts = append(o.Hosts, h.Addr())
		}
	}
	if err := o.authFrom(cs); err != nil {
		return Options{}, err
	}
	o.AppName, o.ReplicaSet = cs.AppName, cs.ReplicaSet
	o.Direct = cs.DirectConnection != nil && *cs.DirectConnection
	o.LoadBalanced = cs.LoadBalanced != nil && *cs.LoadBalanced
	if err := o.tlsFrom(cs); err != nil {
		return Options{}, err
	}
	o.Compressors, o.ZlibLevel = cs.Compressors, cs.ZlibCompressionLevel
	if err := o.readPrefFrom(cs); err != nil {
		return Options{}, err
	}
	o.ReadConcern = ReadConcern{Level: cs.ReadConcernLevel}
	o.WriteConcern = WriteConcern{W: cs.W, Journal: cs.Journal}
	if cs.WTimeout != nil {
		o.WriteConcern.WTimeout = *cs.WTimeout
	}
	o.RetryWrites, o.RetryReads = cs.RetryWrites, cs.RetryReads
	o.MaxAdaptiveRetries, o.EnableOverloadRetargeting = cs.MaxAdaptiveRetries, cs.EnableOverloadRetargeting
	o.timeoutsFrom(cs)
	o.poolFrom(cs)
	o.ServerMonitoringMode = monitoringMode(cs.ServerMonitoringMode)
	return o, nil
}

// uriWarnings are the warnings of cs that are not invalid values (those
// are errors), plus the options that have no effect in torque.
func uriWarnings(cs *connstring.ConnString) []string {
	invalid := make(map[string]bool, len(cs.Invalid))
	for _, e := range cs.Invalid {
		invalid[e.Error()+"; ignored"] = true
	}
	var out []string
	for _, w := range cs.Warnings {
		if !invalid[w] {
			out = append(out, w)
		}
	}
	if cs.ServerSelectionTryOnce != nil {
		out = append(out, "client: option serverSelectionTryOnce has no effect: it is for single-threaded drivers, "+
			"and torque selects servers as multi-threaded drivers do")
	}
	return out
}

// checkSupported refuses the options torque parses but cannot honour.
func checkSupported(cs *connstring.ConnString) error {
	refuse := func(option, why string) error {
		return fmt.Errorf("client: option %s is not supported by torque: %s", option, why)
	}
	switch {
	case cs.ProxyHost != "" || cs.ProxyPort != nil || cs.ProxyUsername != "" || cs.ProxyPassword != "":
		return refuse("proxyHost", "torque has no SOCKS5 client; set Options.Dialer to a dialer that goes through the proxy")
	case cs.TLSDisableOCSPEndpointCheck != nil && !*cs.TLSDisableOCSPEndpointCheck:
		return refuse("tlsDisableOCSPEndpointCheck=false", "torque does not check certificate revocation (no OCSP), "+
			"so it cannot turn that check on; tlsDisableOCSPEndpointCheck=true is accepted and changes nothing")
	case cs.TLSDisableCertificateRevocationCheck != nil && !*cs.TLSDisableCertificateRevocationCheck:
		return refuse("tlsDisableCertificateRevocationCheck=false", "torque does not check certificate revocation (no OCSP or CRL); "+
			"tlsDisableCertificateRevocationCheck=true is accepted and changes nothing")
	}
	return nil
}

// timeoutsFrom reads timeoutMS, serverSelectionTimeoutMS, connectTimeoutMS,
// heartbeatFrequencyMS, localThresholdMS and socketTimeoutMS. A 0 in the
// URI is a real setting, which Options spell negative (zero means the
// default), except socketTimeoutMS=0, which is the default (none).
func (o *Options) timeoutsFrom(cs *connstring.ConnString) {
	o.Timeout = zeroIsNegative(cs.Timeout)                               // 0: timeoutMS applies, without a limit
	o.ServerSelectionTimeout = zeroIsNegative(cs.ServerSelectionTimeout) // 0: do not wait
	o.ConnectTimeout = zeroIsNegative(cs.ConnectTimeout)                 // 0: no timeout
	o.LocalThreshold = zeroIsNegative(cs.LocalThreshold)                 // 0: a window of width zero
	o.HeartbeatFrequency = cs.HeartbeatFrequency
	o.SocketTimeout = durOr(cs.SocketTimeout, 0) // 0: none, the default
}

// zeroIsNegative returns *d, -1 for an explicit 0, and 0 (the default) for
// nil.
func zeroIsNegative(d *time.Duration) time.Duration {
	switch {
	case d == nil:
		return 0
	case *d == 0:
		return -1
	}
	return *d
}

func (o *Options) poolFrom(cs *connstring.ConnString) {
	if cs.MaxPoolSize != nil {
		o.MaxPoolSize = *cs.MaxPoolSize
		if o.MaxPoolSize == 0 {
			o.MaxPoolSize = pool.Unlimited
		}
	}
	if cs.MinPoolSize != nil {
		o.MinPoolSize = *cs.MinPoolSize
	}
	o.MaxConnecting = cs.MaxConnecting
	o.MaxIdleTime = durOr(cs.MaxIdleTime, 0)
	o.WaitQueueTimeout = durOr(cs.WaitQueueTimeout, 0)
}

func monitoringMode(s string) MonitoringMode {
	switch s {
	case "stream":
		return topology.MonitorStream
	case "poll":
		return topology.MonitorPoll
	}
	return topology.MonitorAuto
}

func durOr(d *time.Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return *d
}

func (o *Options) authFrom(cs *connstring.ConnString) error {
	cred, err := cs.Credential()
	if err != nil || cred == nil {
		return err
	}
	c, err := auth.Credential{Mechanism: cred.Mechanism, Source: cred.Source, Username: cred.Username,
		Password: cred.Password, PasswordSet: cred.PasswordSet, Props: cred.Props}.WithDefaults(cs.Database)
	if err != nil {
		return err
	}
	o.Auth = &c
	return nil
}

func (o *Options) tlsFrom(cs *connstring.ConnString) error {
	if cs.TLS == nil && !cs.IsSRV() || cs.TLS != nil && !*cs.TLS { // mongodb+srv means TLS unless tls=false
		return nil
	}
	t := pool.TLSOptions{CAFile: cs.TLSCAFile, CertificateKeyFile: cs.TLSCertificateKeyFile,
		CertificateKeyFilePassword: cs.TLSCertificateKeyFilePassword}
	t.Insecure = cs.TLSInsecure != nil && *cs.TLSInsecure
	t.AllowInvalidCertificates = cs.TLSAllowInvalidCertificates != nil && *cs.TLSAllowInvalidCertificates
	t.AllowInvalidHostnames = cs.TLSAllowInvalidHostnames != nil && *cs.TLSAllowInvalidHostnames
	cfg, err := t.Config()
	if err != nil {
		return err
	}
	o.TLS = cfg
	return nil
}

func (o *Options) readPrefFrom(cs *connstring.ConnString) error {
	if cs.ReadPreference != "" {
		m, ok := topology.ParseMode(cs.ReadPreference)
		if !ok {
			return fmt.Errorf("client: readPreference %q is not a mode", cs.ReadPreference)
		}
		o.ReadPreference.Mode = m
	}
	for _, tags := range cs.ReadPreferenceTags {
		var ts topology.TagSet
		for k, v := range tags {
			ts = append(ts, topology.Tag{Key: k, Value: v})
		}
		o.ReadPreference.TagSets = append(o.ReadPreference.TagSets, ts)
	}
	if cs.MaxStaleness != nil && *cs.MaxStaleness > 0 {
		o.ReadPreference.MaxStaleness = *cs.MaxStaleness
	}
	return o.ReadPreference.Validate()
}

// errStrictURI makes the URI's warnings an error (Options.StrictURI).
func errStrictURI(warnings []string) error {
	errs := make([]error, len(warnings))
	for i, w := range warnings {
		errs[i] = errors.New(w)
	}
	return fmt.Errorf("client: StrictURI: the URI has %d warning(s): %w", len(warnings), errors.Join(errs...))
}
