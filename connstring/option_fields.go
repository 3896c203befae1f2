package connstring

import (
	"errors"
	"strconv"
	"time"
)

// field returns a pointer to the ConnString field of the option name, for
// the options without a setter of their own (nil for the others): a
// *string, **bool, **int or **time.Duration, which says how the value is
// parsed and shown.
func (c *ConnString) field(name string) any {
	switch name {
	case "appname":
		return &c.AppName
	case "authMechanism":
		return &c.AuthMechanism
	case "authSource":
		return &c.AuthSource
	case "connectTimeoutMS":
		return &c.ConnectTimeout
	case "directConnection":
		return &c.DirectConnection
	case "journal":
		return &c.Journal
	case "loadBalanced":
		return &c.LoadBalanced
	case "localThresholdMS":
		return &c.LocalThreshold
	case "maxAdaptiveRetries":
		return &c.MaxAdaptiveRetries
	case "enableOverloadRetargeting":
		return &c.EnableOverloadRetargeting
	case "maxIdleTimeMS":
		return &c.MaxIdleTime
	case "maxPoolSize":
		return &c.MaxPoolSize
	case "minPoolSize":
		return &c.MinPoolSize
	case "proxyHost":
		return &c.ProxyHost
	case "proxyPort":
		return &c.ProxyPort
	case "proxyUsername":
		return &c.ProxyUsername
	case "proxyPassword":
		return &c.ProxyPassword
	case "readConcernLevel":
		return &c.ReadConcernLevel
	case "readPreference":
		return &c.ReadPreference
	case "replicaSet":
		return &c.ReplicaSet
	case "retryReads":
		return &c.RetryReads
	case "retryWrites":
		return &c.RetryWrites
	case "serverMonitoringMode":
		return &c.ServerMonitoringMode
	case "serverSelectionTimeoutMS":
		return &c.ServerSelectionTimeout
	case "serverSelectionTryOnce":
		return &c.ServerSelectionTryOnce
	case "socketTimeoutMS":
		return &c.SocketTimeout
	case "srvMaxHosts":
		return &c.SRVMaxHosts
	case "srvServiceName":
		return &c.SRVServiceName
	case "timeoutMS":
		return &c.Timeout
	case "tls":
		return &c.TLS
	case "tlsAllowInvalidCertificates":
		return &c.TLSAllowInvalidCertificates
	case "tlsAllowInvalidHostnames":
		return &c.TLSAllowInvalidHostnames
	case "tlsCAFile":
		return &c.TLSCAFile
	case "tlsCertificateKeyFile":
		return &c.TLSCertificateKeyFile
	case "tlsCertificateKeyFilePassword":
		return &c.TLSCertificateKeyFilePassword
	case "tlsDisableCertificateRevocationCheck":
		return &c.TLSDisableCertificateRevocationCheck
	case "tlsDisableOCSPEndpointCheck":
		return &c.TLSDisableOCSPEndpointCheck
	case "tlsInsecure":
		return &c.TLSInsecure
	case "w":
		return &c.W
	case "waitQueueTimeoutMS":
		return &c.WaitQueueTimeout
	case "wTimeoutMS":
		return &c.WTimeout
	case "zlibCompressionLevel":
		return &c.ZlibCompressionLevel
	}
	return nil
}

// set stores the option's value: with its own setter, else by the type of
// its field.
func (p *parser) set(o *option, raw string, off int) error {
	if o.set != nil {
		return o.set(p, o, raw, off)
	}
	switch f := p.cs.field(o.name).(type) {
	case *string:
		return p.setString(o, f, raw, off)
	case **bool:
		return p.setBool(o, f, raw, off)
	case **int:
		n, ok, err := p.parseInt(o, raw, off, int(o.min), int(o.max))
		if ok {
			*f = &n
		}
		return err
	case **time.Duration: // milliseconds
		n, ok, err := p.parseInt(o, raw, off, 0, maxInt32)
		if ok {
			d := time.Duration(n) * time.Millisecond
			*f = &d
		}
		return err
	}
	return errors.New("connstring: option " + o.name + " has no field (a bug)")
}

func (p *parser) setString(o *option, f *string, raw string, off int) error {
	v, ok, err := p.value(o, raw, off, false)
	if !ok || err != nil {
		return err
	}
	if o.check != nil {
		if want := o.check(v); want != "" {
			p.invalid(o, v, off, want)
			return nil
		}
	}
	*f = v
	return nil
}

func (p *parser) setBool(o *option, f **bool, raw string, off int) error {
	v, ok, err := p.value(o, raw, off, false)
	if !ok || err != nil {
		return err
	}
	b, err := strconv.ParseBool(v)
	if err != nil || (v != "true" && v != "false") {
		p.invalid(o, v, off, `must be "true" or "false"`)
		return nil
	}
	*f = &b
	return nil
}

// values returns what Redacted writes for the option: with its own show
// function, else from its field (nothing when unset; "xxxxx" for a set
// secret).
func (o *option) values(c *ConnString) []string {
	if o.show != nil {
		return o.show(c)
	}
	var v string
	switch f := c.field(o.name).(type) {
	case *string:
		if *f == "" {
			return nil
		}
		v = "xxxxx"
		if !o.secret {
			v = escape(*f)
		}
	case **bool:
		if *f == nil {
			return nil
		}
		v = strconv.FormatBool(**f)
	case **int:
		if *f == nil {
			return nil
		}
		v = strconv.Itoa(**f)
	case **time.Duration:
		if *f == nil {
			return nil
		}
		v = strconv.FormatInt((**f).Milliseconds(), 10)
	default:
		return nil
	}
	return []string{v}
}
