package client

import (
	"strings"
	"testing"

	"github.com/torque-go/torque/internal/driver"
)

// maxAdaptiveRetries and enableOverloadRetargeting, from the URI or from
// Options, reach the executor; their defaults are the spec's (2, off);
// AdaptiveRetries gives the client its own full token bucket.
func TestBackpressureOptionsReachTheExecutor(t *testing.T) {
	zero, on := 0, true
	for _, tc := range []struct {
		name      string
		uri       string
		opts      Options
		retries   int
		retarget  bool
		hasBucket bool
	}{
		{"defaults", "mongodb://a/", Options{}, driver.DefaultMaxAdaptiveRetries, false, false},
		{"uri", "mongodb://a/?maxAdaptiveRetries=3&enableOverloadRetargeting=true", Options{}, 3, true, false},
		{"uri zero", "mongodb://a/?maxAdaptiveRetries=0&enableOverloadRetargeting=false", Options{}, 0, false, false},
		{"options", "mongodb://a/", Options{MaxAdaptiveRetries: &zero, EnableOverloadRetargeting: &on, AdaptiveRetries: true}, 0, true, true},
	} {
		o, err := ParseURI(tc.uri)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		o = o.merge(tc.opts)
		x := o.executor(nil, nil, nil)
		if x.MaxAdaptiveRetries != tc.retries || x.OverloadRetargeting != tc.retarget || (x.RetryTokens != nil) != tc.hasBucket {
			t.Errorf("%s: executor has MaxAdaptiveRetries %d, OverloadRetargeting %v, bucket %v; want %d, %v, %v",
				tc.name, x.MaxAdaptiveRetries, x.OverloadRetargeting, x.RetryTokens != nil, tc.retries, tc.retarget, tc.hasBucket)
		}
		if tc.hasBucket && x.RetryTokens.Tokens() != 1000 {
			t.Errorf("%s: a new bucket holds %v tokens, want 1000", tc.name, x.RetryTokens.Tokens())
		}
	}
	neg := -1
	o := Options{Hosts: []string{"a"}, MaxAdaptiveRetries: &neg}
	if err := o.validate(); err == nil || !strings.Contains(err.Error(), "MaxAdaptiveRetries") {
		t.Errorf("negative MaxAdaptiveRetries: %v", err)
	}
	if _, err := ParseURI("mongodb://a/?maxAdaptiveRetries=-5"); err == nil || !strings.Contains(err.Error(), "maxAdaptiveRetries") {
		t.Errorf("maxAdaptiveRetries=-5: %v, want an error naming the option", err)
	}
}
