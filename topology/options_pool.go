package topology

import (
	"strconv"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/pool"
)

// PoolConfig returns the pool and connection settings of a connection
// string: maxPoolSize, minPoolSize, maxConnecting, maxIdleTimeMS,
// waitQueueTimeoutMS, socketTimeoutMS, connectTimeoutMS, the tls* options,
// appname, compressors, zlibCompressionLevel, loadBalanced and the
// credential. Options the driver leaves to other layers (read and write
// concerns, ...) are not looked at. Errors name the option; they
// never contain a secret.
func PoolConfig(cs *connstring.ConnString) (pool.Config, error) {
	var pc pool.Config
	if cs.MaxPoolSize != nil {
		pc.MaxPoolSize = *cs.MaxPoolSize
		if pc.MaxPoolSize == 0 {
			pc.MaxPoolSize = pool.Unlimited
		}
	}
	if cs.MinPoolSize != nil {
		pc.MinPoolSize = *cs.MinPoolSize
	}
	pc.MaxConnecting = cs.MaxConnecting
	if cs.MaxIdleTime != nil {
		pc.MaxIdleTime = *cs.MaxIdleTime
	}
	if cs.WaitQueueTimeout != nil {
		pc.WaitQueueTimeout = *cs.WaitQueueTimeout
	}
	if cs.SocketTimeout != nil {
		pc.SocketTimeout = *cs.SocketTimeout
	}
	cc := &pc.Conn
	if cs.ConnectTimeout != nil {
		cc.ConnectTimeout = *cs.ConnectTimeout
		if cc.ConnectTimeout == 0 {
			cc.ConnectTimeout = -1 // connectTimeoutMS=0: no limit
		}
	}
	cc.AppName = cs.AppName
	cc.Compressors = cs.Compressors
	cc.ZlibLevel = cs.ZlibCompressionLevel
	cc.LoadBalanced = cs.LoadBalanced != nil && *cs.LoadBalanced
	if cs.TLS != nil && *cs.TLS {
		tc, err := tlsOptions(cs).Config()
		if err != nil {
			return pool.Config{}, err
		}
		cc.TLS = tc
	}
	cred, err := cs.Credential()
	if err != nil || cred == nil {
		return pc, err
	}
	ac, err := auth.Credential{Mechanism: cred.Mechanism, Source: cred.Source, Username: cred.Username,
		Password: cred.Password, PasswordSet: cred.PasswordSet, Props: cred.Props}.WithDefaults(cs.Database)
	if err != nil {
		return pool.Config{}, err
	}
	cc.Credential = &ac
	return pc, nil
}

// tlsOptions gathers the tls* options.
func tlsOptions(cs *connstring.ConnString) pool.TLSOptions {
	on := func(b *bool) bool { return b != nil && *b }
	return pool.TLSOptions{
		CAFile:                     cs.TLSCAFile,
		CertificateKeyFile:         cs.TLSCertificateKeyFile,
		CertificateKeyFilePassword: cs.TLSCertificateKeyFilePassword,
		Insecure:                   on(cs.TLSInsecure),
		AllowInvalidCertificates:   on(cs.TLSAllowInvalidCertificates),
		AllowInvalidHostnames:      on(cs.TLSAllowInvalidHostnames),
	}
}

// atoiOr parses a port, or returns def.
func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}
