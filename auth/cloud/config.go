package cloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config says where the metadata and STS endpoints are. Zero fields take
// DefaultConfig's values.
type Config struct {
	HTTPClient *http.Client  // nil: a client of its own without redirects to other hosts
	Timeout    time.Duration // per request; 0: 10 seconds

	STSEndpoint   string // https://sts.amazonaws.com
	ECSEndpoint   string // http://169.254.170.2 (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is appended)
	EC2Endpoint   string // http://169.254.169.254
	AzureEndpoint string // http://169.254.169.254/metadata/identity/oauth2/token
	GCPEndpoint   string // http://metadata/computeMetadata/v1/instance/service-accounts/default/identity
}

// DefaultConfig is the real endpoints.
func DefaultConfig() Config {
	return Config{
		Timeout:       10 * time.Second,
		STSEndpoint:   "https://sts.amazonaws.com",
		ECSEndpoint:   "http://169.254.170.2",
		EC2Endpoint:   "http://169.254.169.254",
		AzureEndpoint: "http://169.254.169.254/metadata/identity/oauth2/token",
		GCPEndpoint:   "http://metadata/computeMetadata/v1/instance/service-accounts/default/identity",
	}
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	set := func(dst *string, def string) {
		if *dst == "" {
			*dst = def
		}
	}
	set(&c.STSEndpoint, d.STSEndpoint)
	set(&c.ECSEndpoint, d.ECSEndpoint)
	set(&c.EC2Endpoint, d.EC2Endpoint)
	set(&c.AzureEndpoint, d.AzureEndpoint)
	set(&c.GCPEndpoint, d.GCPEndpoint)
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = defaultClient
	}
	return c
}

// defaultClient follows no redirects (metadata endpoints do not redirect,
// and a redirect must not carry their headers elsewhere) and keeps no idle
// connections: fetches are rare (their results are cached), and no
// keep-alive goroutine outlives a request.
var defaultClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{DisableKeepAlives: true, Proxy: nil},
}

// maxResponse bounds what is read of a response.
const maxResponse = 1 << 20

// do sends req (bounded by ctx and c.Timeout) and returns the body of a
// 200 response. what names the endpoint in errors; bodies never appear.
func (c Config) do(ctx context.Context, what string, req *http.Request) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	resp, err := c.HTTPClient.Do(req.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, redactURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: reading the response: %w", what, err)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%s: HTTP status %d", what, resp.StatusCode)
	case len(body) > maxResponse:
		return nil, fmt.Errorf("%s: response larger than %d bytes", what, maxResponse)
	}
	return body, nil
}

// redactURLError drops the query of the URL in a *url.Error (it may hold
// a resource name or client id; nothing of it is needed to diagnose).
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u := ue.URL
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	return fmt.Errorf("%s %s: %w", ue.Op, u, ue.Err)
}
