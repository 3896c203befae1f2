package client

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/topology"
)

// Invalid values of known options are errors that name the option and
// its offset, from ParseURI and from Connect.
func TestURIInvalidValuesAreErrors(t *testing.T) {
	for _, tc := range []struct{ uri, option, offset string }{
		{"mongodb://a/?readPreference=secondry", "option readPreference", "at byte 28: value \"secondry\" is invalid"},
		{"mongodb://a/?maxPoolSize=abc", "option maxPoolSize", "at byte 25"},
		{"mongodb://a/?appname=x&journal=yes", "option journal", "at byte 31"},
		{"mongodb://a/?w=-1", "option w", "at byte 15"},
		{"mongodb://a/?heartbeatFrequencyMS=10", "option heartbeatFrequencyMS", "at byte 34"},
		{"mongodb://a/?maxPoolSize=", "option maxPoolSize", "at byte 25: empty value"},
	} {
		_, err := ParseURI(tc.uri)
		var ce *connstring.Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.option) || !strings.Contains(err.Error(), tc.offset) {
			t.Errorf("ParseURI(%q) = %v, want an error naming %s %s", tc.uri, err, tc.option, tc.offset)
		}
		if _, err := Connect(context.Background(), tc.uri); err == nil {
			t.Errorf("Connect(%q) succeeded", tc.uri)
		}
	}
}

// Unknown options are warnings: in Options.Warnings, logged by Connect,
// errors with StrictURI.
func TestURIUnknownOptionsAreWarnings(t *testing.T) {
	const uri = "mongodb://a/?foo=bar&appname=x&appname=y&compressors=zstd,lz77"
	o, err := ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Warnings) != 3 || !strings.Contains(o.Warnings[0], "foo") || !strings.Contains(o.Warnings[1], "appname") ||
		!strings.Contains(o.Warnings[2], "lz77") {
		t.Errorf("warnings = %q, want foo, the repeated appname and the compressor lz77", o.Warnings)
	}
	if strings.Join(o.Compressors, ",") != "zstd" {
		t.Errorf("compressors = %v", o.Compressors)
	}
	var logged bytes.Buffer
	c, err := Connect(context.Background(), uri, Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Disconnect(context.Background())
	if n := strings.Count(logged.String(), "level=WARN"); n != 3 || !strings.Contains(logged.String(), "foo") {
		t.Errorf("logged %d warnings: %s", n, logged.String())
	}
	if len(c.opts.Warnings) != 3 {
		t.Errorf("client's warnings %q", c.opts.Warnings)
	}
	_, err = Connect(context.Background(), uri, Options{StrictURI: true})
	if err == nil || !strings.Contains(err.Error(), "foo") || !strings.Contains(err.Error(), "StrictURI") {
		t.Errorf("StrictURI: %v", err)
	}
	if _, err := Connect(context.Background(), "mongodb://a/?appname=x", Options{StrictURI: true}); err != nil {
		t.Errorf("StrictURI without warnings: %v", err)
	}
}

// Options torque parses but cannot honour are refused, saying so.
func TestURIUnsupportedOptionsAreRefused(t *testing.T) {
	for _, tc := range []struct{ uri, option string }{
		{"mongodb://a/?proxyHost=p", "proxyHost"},
		{"mongodb://a/?proxyHost=p&proxyPort=1080", "proxyHost"},
		{"mongodb://a/?tls=true&tlsDisableOCSPEndpointCheck=false", "tlsDisableOCSPEndpointCheck"},
		{"mongodb://a/?tls=true&tlsDisableCertificateRevocationCheck=false", "tlsDisableCertificateRevocationCheck"},
	} {
		_, err := ParseURI(tc.uri)
		if err == nil || !strings.Contains(err.Error(), tc.option) || !strings.Contains(err.Error(), "not supported by torque") {
			t.Errorf("ParseURI(%q) = %v, want a refusal naming %s", tc.uri, err, tc.option)
		}
	}
	for _, uri := range []string{
		"mongodb://a/?socketTimeoutMS=0",
		"mongodb://a/?tls=true&tlsDisableOCSPEndpointCheck=true",
		"mongodb://a/?tls=true&tlsDisableCertificateRevocationCheck=true",
	} {
		if _, err := ParseURI(uri); err != nil {
			t.Errorf("ParseURI(%q): %v (it asks for what torque does)", uri, err)
		}
	}
	o, err := ParseURI("mongodb://a/?serverSelectionTryOnce=true")
	if err != nil || len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0], "serverSelectionTryOnce") {
		t.Errorf("serverSelectionTryOnce: %v, warnings %q", err, o.Warnings)
	}
}

// Zero values the URI gives explicitly reach the topology and the pool as
// zero, not as the defaults; serverMonitoringMode reaches the monitors.
func TestURIZeroesAndMonitoringModeReachTheTopology(t *testing.T) {
	o, err := ParseURI("mongodb://a/?localThresholdMS=0&connectTimeoutMS=0&serverMonitoringMode=poll")
	if err != nil {
		t.Fatal(err)
	}
	to := o.topologyOptions()
	if to.LocalThreshold >= 0 || to.Pool.Conn.ConnectTimeout >= 0 {
		t.Errorf("localThresholdMS=0 -> %v, connectTimeoutMS=0 -> %v: want negative (zero width, no timeout)",
			to.LocalThreshold, to.Pool.Conn.ConnectTimeout)
	}
	if crit := (topology.Criteria{LocalThreshold: to.LocalThreshold}); crit.LocalThreshold == 0 {
		t.Error("the window would become the default")
	}
	if to.MonitoringMode != topology.MonitorPoll {
		t.Errorf("monitoring mode %v, want poll", to.MonitoringMode)
	}
}

// On a FaaS platform, serverMonitoringMode=auto polls: Connect detects it
// (the handshake spec's environment variables) and tells the topology.
func TestConnectDetectsFaaS(t *testing.T) {
	t.Setenv("AWS_EXECUTION_ENV", "AWS_Lambda_go1.x")
	t.Setenv("AWS_REGION", "eu-west-1")
	c, err := Connect(context.Background(), "mongodb://a/")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	to := c.opts.topologyOptions()
	if !to.FaaS || to.MonitoringMode != topology.MonitorAuto {
		t.Errorf("FaaS %v, mode %v", to.FaaS, to.MonitoringMode)
	}
	if env := to.Pool.Conn.Env; env == nil || env.Name != "aws.lambda" || env.Region != "eu-west-1" {
		t.Errorf("handshake env %+v", env)
	}
}

func TestDriverInfoWithSeparatorIsRefused(t *testing.T) {
	if _, err := Connect(context.Background(), "mongodb://a/", Options{DriverInfo: []DriverInfo{{Name: "a|b"}}}); err == nil {
		t.Error("Connect accepted driver info with '|'")
	}
}
