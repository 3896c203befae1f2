package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/torque-go/torque/auth"
)

// AzureEnvironment is ENVIRONMENT:azure: a managed identity's token from
// the instance metadata service for TOKEN_RESOURCE; the username, when
// given, is the identity's client id.
func (c Config) AzureEnvironment(resource, clientID string) auth.OIDCCallback {
	c = c.withDefaults()
	return func(ctx context.Context, _ *auth.OIDCArgs) (*auth.OIDCCredential, error) {
		const what = "Azure instance metadata token"
		q := url.Values{"api-version": {"2018-02-01"}, "resource": {resource}}
		if clientID != "" {
			q.Set("client_id", clientID)
		}
		req, err := http.NewRequest(http.MethodGet, c.AzureEndpoint+"?"+q.Encode(), nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, redactURLError(err))
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Metadata", "true")
		body, err := c.do(ctx, what, req)
		if err != nil {
			return nil, err
		}
		var r struct {
			AccessToken string          `json:"access_token"`
			ExpiresIn   json.RawMessage `json:"expires_in"` // a string of seconds, sometimes a number
		}
		if err := json.Unmarshal(body, &r); err != nil {
			//lint:ignore ST1005 what names the service (Azure ...)
			return nil, errors.New(what + ": the response is not the expected JSON")
		}
		if r.AccessToken == "" {
			//lint:ignore ST1005 what names the service (Azure ...)
			return nil, errors.New(what + ": the response has no access_token")
		}
		oc := &auth.OIDCCredential{AccessToken: r.AccessToken}
		if secs, err := strconv.ParseInt(strings.Trim(string(r.ExpiresIn), `"`), 10, 64); err == nil && secs > 0 {
			oc.ExpiresAt = time.Now().Add(time.Duration(secs) * time.Second)
		}
		return oc, nil
	}
}

// GCPEnvironment is ENVIRONMENT:gcp: an identity token for the audience
// TOKEN_RESOURCE from the metadata server (the response body is the
// token). The username is not used.
func (c Config) GCPEnvironment(audience, _ string) auth.OIDCCallback {
	c = c.withDefaults()
	return func(ctx context.Context, _ *auth.OIDCArgs) (*auth.OIDCCredential, error) {
		const what = "GCP metadata identity token"
		req, err := http.NewRequest(http.MethodGet, c.GCPEndpoint+"?"+url.Values{"audience": {audience}}.Encode(), nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, redactURLError(err))
		}
		req.Header.Set("Metadata-Flavor", "Google")
		body, err := c.do(ctx, what, req)
		if err != nil {
			return nil, err
		}
		tok := strings.TrimSpace(string(body))
		if tok == "" {
			return nil, errors.New(what + ": empty response")
		}
		return &auth.OIDCCredential{AccessToken: tok}, nil
	}
}
