package pool

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
)

// Types of this package that hold a secret never show it, however they
// are printed: every fmt verb goes through Format, encoding/json through
// MarshalJSON (log/slog's JSON handler uses it), log/slog through
// LogValue. TLSOptions holds tlsCertificateKeyFilePassword; ConnConfig
// holds a credential (which redacts itself) and a *tls.Config (private
// keys), which its MarshalJSON and LogValue reduce to whether TLS is on.

const redacted = "<redacted>"

// String describes the options, the key file's password redacted.
func (o TLSOptions) String() string {
	s := "pool.TLSOptions{CAFile:" + strconv.Quote(o.CAFile) + ", CertificateKeyFile:" + strconv.Quote(o.CertificateKeyFile)
	if o.CertificateKeyFilePassword != "" {
		s += ", CertificateKeyFilePassword:" + redacted
	}
	return s + ", Insecure:" + strconv.FormatBool(o.Insecure) +
		", AllowInvalidCertificates:" + strconv.FormatBool(o.AllowInvalidCertificates) +
		", AllowInvalidHostnames:" + strconv.FormatBool(o.AllowInvalidHostnames) + "}"
}

// GoString is String: %#v must not show the password either.
func (o TLSOptions) GoString() string { return o.String() }

// Format prints String for every verb (%q quotes it).
func (o TLSOptions) Format(f fmt.State, verb rune) { formatString(f, verb, o.String()) }

// MarshalJSON encodes the options, the key file's password redacted.
func (o TLSOptions) MarshalJSON() ([]byte, error) {
	type plain TLSOptions
	p := plain(o)
	if p.CertificateKeyFilePassword != "" {
		p.CertificateKeyFilePassword = redacted
	}
	return json.Marshal(p)
}

// LogValue groups the options, the key file's password redacted.
func (o TLSOptions) LogValue() slog.Value {
	pw := ""
	if o.CertificateKeyFilePassword != "" {
		pw = redacted
	}
	return slog.GroupValue(slog.String("CAFile", o.CAFile), slog.String("CertificateKeyFile", o.CertificateKeyFile),
		slog.String("CertificateKeyFilePassword", pw), slog.Bool("Insecure", o.Insecure),
		slog.Bool("AllowInvalidCertificates", o.AllowInvalidCertificates), slog.Bool("AllowInvalidHostnames", o.AllowInvalidHostnames))
}

// connConfigView is what ConnConfig shows of itself: no *tls.Config (it
// holds private keys), no dialer; the credential redacts itself.
type connConfigView struct {
	ConnectTimeout string
	TLS            bool
	AppName        string `json:",omitempty"`
	DriverInfo     []DriverInfo
	Compressors    []string
	ZlibLevel      *int
	LoadBalanced   bool
	ServerAPI      *ServerAPI
	Credential     any // *auth.Credential (redacting) or nil
	HelloOK        bool
}

func (c ConnConfig) view() connConfigView {
	v := connConfigView{ConnectTimeout: c.ConnectTimeout.String(), TLS: c.TLS != nil, AppName: c.AppName,
		DriverInfo: c.DriverInfo, Compressors: c.Compressors, ZlibLevel: c.ZlibLevel,
		LoadBalanced: c.LoadBalanced, ServerAPI: c.ServerAPI, HelloOK: c.HelloOK}
	if c.Credential != nil {
		v.Credential = *c.Credential
	}
	return v
}

// String describes the configuration: the credential redacted, TLS as
// on or off.
func (c ConnConfig) String() string { return fmt.Sprintf("pool.ConnConfig%+v", c.view()) }

// GoString is String.
func (c ConnConfig) GoString() string { return c.String() }

// Format prints String for every verb (%q quotes it).
func (c ConnConfig) Format(f fmt.State, verb rune) { formatString(f, verb, c.String()) }

// MarshalJSON encodes what String shows.
func (c ConnConfig) MarshalJSON() ([]byte, error) { return json.Marshal(c.view()) }

// LogValue is the JSON of what String shows, for log/slog.
func (c ConnConfig) LogValue() slog.Value {
	b, err := c.MarshalJSON()
	if err != nil {
		return slog.StringValue(c.String())
	}
	return slog.StringValue(string(b))
}

func formatString(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}
