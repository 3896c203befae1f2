package aws

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/torque-go/torque/auth"
)

// awsRefreshMargin: cached credentials are used until this long before
// they expire (auth spec, "Caching Credentials").
const awsRefreshMargin = 5 * time.Minute

// remoteAWS is the provider of the credentials that come over HTTP (web
// identity, ECS, EC2), registered by package auth/cloud; nil when that
// package is not linked in.
var remoteAWS struct {
	sync.RWMutex
	p auth.AWSCredentialProvider
}

// RegisterProvider installs the provider the built-in MONGODB-AWS chain
// falls back to after the environment variables. Package auth/cloud calls
// it from its init function (web identity, ECS, EC2 IMDSv2); nil removes
// it. Programs that need those sources import auth/cloud; the others never
// link net/http.
func RegisterProvider(p auth.AWSCredentialProvider) {
	remoteAWS.Lock()
	remoteAWS.p = p
	remoteAWS.Unlock()
}

func registeredProvider() auth.AWSCredentialProvider {
	remoteAWS.RLock()
	defer remoteAWS.RUnlock()
	return remoteAWS.p
}

// awsCache holds the last fetched temporary credentials. Fetching holds no
// lock (the spec forbids a bottleneck there); storing is atomic.
type awsCache struct {
	mu    sync.Mutex
	creds auth.AWSCredentials
	ok    bool
	now   func() time.Time // time.Now unless a test sets it
}

func (c *awsCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// get returns the cached credentials while they are more than five minutes
// from expiry.
func (c *awsCache) get() (auth.AWSCredentials, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok || !c.clock().Add(awsRefreshMargin).Before(c.creds.Expiration) {
		return auth.AWSCredentials{}, false
	}
	return c.creds, true
}

// put caches creds if they expire (credentials without an expiry are
// fetched every time: nothing says when they stop being valid).
func (c *awsCache) put(creds auth.AWSCredentials) {
	if creds.Expiration.IsZero() {
		return
	}
	c.mu.Lock()
	c.creds, c.ok = creds, true
	c.mu.Unlock()
}

func (c *awsCache) clear() {
	c.mu.Lock()
	c.creds, c.ok = auth.AWSCredentials{}, false
	c.mu.Unlock()
}

// awsCredentials finds the credentials for cred, in the auth spec's order:
// those given in code (Username/Password/AWS_SESSION_TOKEN), the
// application's provider, valid cached ones, the environment variables
// (never cached), then the registered HTTP sources.
func awsCredentials(ctx context.Context, cred auth.Credential, cache *awsCache) (auth.AWSCredentials, error) {
	if cred.Username != "" {
		tok, _ := cred.Prop("AWS_SESSION_TOKEN")
		return auth.AWSCredentials{AccessKeyID: cred.Username, SecretAccessKey: cred.Password, SessionToken: tok}, nil
	}
	if c, ok := cache.get(); ok {
		return c, nil
	}
	fetch := cred.AWSCredentialProvider
	if fetch == nil {
		if c, ok, err := awsFromEnv(); ok || err != nil {
			return c, err
		}
		if fetch = registeredProvider(); fetch == nil {
			return auth.AWSCredentials{}, errNoAWSCredentials
		}
	}
	c, err := fetch(ctx)
	if err != nil {
		return auth.AWSCredentials{}, err
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return auth.AWSCredentials{}, errors.New("the AWS credential provider returned no access key id or no secret access key")
	}
	cache.put(c)
	return c, nil
}

var errNoAWSCredentials = errors.New("no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, " +
	"and web identity, ECS and EC2 credentials need package github.com/torque-go/torque/auth/cloud " +
	"(import _ \"github.com/torque-go/torque/auth/cloud\") or an AWSCredentialProvider")

// awsFromEnv reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN, at every authentication (the spec wants a refreshed
// environment seen). ok is false when neither key variable is set.
func awsFromEnv() (c auth.AWSCredentials, ok bool, err error) {
	c.AccessKeyID = os.Getenv("AWS_ACCESS_KEY_ID")
	c.SecretAccessKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
	c.SessionToken = os.Getenv("AWS_SESSION_TOKEN")
	switch {
	case c.AccessKeyID == "" && c.SecretAccessKey == "":
		return auth.AWSCredentials{}, false, nil
	case c.AccessKeyID == "" || c.SecretAccessKey == "":
		return auth.AWSCredentials{}, false, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together")
	}
	return c, true, nil
}

// validateAWS checks a MONGODB-AWS credential: a key pair given in code is
// complete, a session token comes with one, and no provider is given too.
func validateAWS(c auth.Credential) string {
	hasPassword := c.PasswordSet || c.Password != ""
	_, hasToken := c.Prop("AWS_SESSION_TOKEN")
	for k := range c.Props {
		if !strings.EqualFold(k, "AWS_SESSION_TOKEN") {
			return "property " + strconv.Quote(k) + " is not supported by " + auth.MechanismAWS
		}
	}
	switch {
	case c.Username != "" && !hasPassword:
		return "an access key id (username) needs its secret access key (password)"
	case c.Username == "" && hasPassword:
		return "a secret access key (password) needs its access key id (username)"
	case c.Username == "" && hasToken:
		return "AWS_SESSION_TOKEN needs an access key id and secret access key"
	case c.Username != "" && c.AWSCredentialProvider != nil:
		return "give either a key pair or an AWSCredentialProvider, not both"
	}
	return ""
}
