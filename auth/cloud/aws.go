package cloud

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/torque-go/torque/auth"
)

// AWSProvider returns the HTTP part of the MONGODB-AWS credential chain
// (auth spec, "Obtaining Credentials"), read from the environment at each
// call: AssumeRoleWithWebIdentity when AWS_WEB_IDENTITY_TOKEN_FILE and
// AWS_ROLE_ARN are set, else the ECS endpoint when
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set, else EC2 IMDSv2. (Package
// auth tries the environment's keys before, and caches what this returns.)
func (c Config) AWSProvider() auth.AWSCredentialProvider {
	c = c.withDefaults()
	return func(ctx context.Context) (auth.AWSCredentials, error) {
		tokenFile, role := os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), os.Getenv("AWS_ROLE_ARN")
		switch {
		case tokenFile != "" && role != "":
			return c.webIdentity(ctx, tokenFile, role, os.Getenv("AWS_ROLE_SESSION_NAME"))
		case tokenFile != "" || role != "":
			return auth.AWSCredentials{}, errors.New("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN must be set together")
		}
		if rel := os.Getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
			return c.ecs(ctx, rel)
		}
		return c.ec2(ctx)
	}
}

// webIdentity exchanges the token in tokenFile for temporary credentials
// with STS AssumeRoleWithWebIdentity (an unsigned POST; the token goes in
// the body, never the URL).
func (c Config) webIdentity(ctx context.Context, tokenFile, roleARN, session string) (auth.AWSCredentials, error) {
	tok, err := os.ReadFile(tokenFile)
	if err != nil {
		return auth.AWSCredentials{}, fmt.Errorf("AWS web identity: reading AWS_WEB_IDENTITY_TOKEN_FILE: %w", err)
	}
	if session == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		session = "torque-" + hex.EncodeToString(b[:])
	}
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {roleARN},
		"RoleSessionName": {session}, "WebIdentityToken": {strings.TrimSpace(string(tok))}}
	req, err := http.NewRequest(http.MethodPost, c.STSEndpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return auth.AWSCredentials{}, fmt.Errorf("AWS web identity: %w", redactURLError(err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	body, err := c.do(ctx, "AWS STS AssumeRoleWithWebIdentity", req)
	if err != nil {
		return auth.AWSCredentials{}, err
	}
	var r struct {
		Credentials *awsJSON
		Response    struct {
			Result struct{ Credentials *awsJSON } `json:"AssumeRoleWithWebIdentityResult"`
		} `json:"AssumeRoleWithWebIdentityResponse"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return auth.AWSCredentials{}, errors.New("AWS STS AssumeRoleWithWebIdentity: the response is not the expected JSON")
	}
	creds := r.Credentials
	if creds == nil {
		creds = r.Response.Result.Credentials
	}
	if creds == nil {
		return auth.AWSCredentials{}, errors.New("AWS STS AssumeRoleWithWebIdentity: the response has no Credentials")
	}
	creds.Token = firstNonEmpty(creds.Token, creds.SessionToken)
	return creds.credentials("AWS STS AssumeRoleWithWebIdentity")
}

// ecs reads the container credentials endpoint.
func (c Config) ecs(ctx context.Context, rel string) (auth.AWSCredentials, error) {
	if !strings.HasPrefix(rel, "/") {
		rel = "/" + rel
	}
	req, err := http.NewRequest(http.MethodGet, c.ECSEndpoint+rel, nil)
	if err != nil {
		return auth.AWSCredentials{}, fmt.Errorf("AWS ECS credentials: %w", redactURLError(err))
	}
	body, err := c.do(ctx, "AWS ECS credentials", req)
	if err != nil {
		return auth.AWSCredentials{}, err
	}
	return parseAWSJSON("AWS ECS credentials", body)
}

// ec2 asks the instance metadata service, version 2: a session token
// (PUT), the role name, then the role's credentials.
func (c Config) ec2(ctx context.Context) (auth.AWSCredentials, error) {
	const what = "AWS EC2 instance metadata"
	req, err := http.NewRequest(http.MethodPut, c.EC2Endpoint+"/latest/api/token", nil)
	if err != nil {
		return auth.AWSCredentials{}, fmt.Errorf("%s: %w", what, redactURLError(err))
	}
	req.Header.Set("X-aws-ec2-metadata-token-ttl-seconds", "30")
	token, err := c.do(ctx, what+" (IMDSv2 token)", req)
	if err != nil {
		return auth.AWSCredentials{}, err
	}
	base := c.EC2Endpoint + "/latest/meta-data/iam/security-credentials/"
	get := func(step, u string) ([]byte, error) {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, redactURLError(err))
		}
		req.Header.Set("X-aws-ec2-metadata-token", string(token))
		return c.do(ctx, what+" ("+step+")", req)
	}
	roles, err := get("role name", base)
	if err != nil {
		return auth.AWSCredentials{}, err
	}
	role, _, _ := strings.Cut(strings.TrimSpace(string(roles)), "\n")
	if role = strings.TrimSpace(role); role == "" || strings.ContainsAny(role, "/?#") {
		return auth.AWSCredentials{}, errors.New(what + ": no usable IAM role name")
	}
	body, err := get("role credentials", base+url.PathEscape(role))
	if err != nil {
		return auth.AWSCredentials{}, err
	}
	return parseAWSJSON(what, body)
}

// awsJSON is the credentials object of the ECS, EC2 and STS responses.
type awsJSON struct {
	Code            string
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	Token           string
	SessionToken    string
	Expiration      json.RawMessage // RFC 3339 string (ECS, EC2) or epoch seconds (STS JSON)
}

func parseAWSJSON(what string, body []byte) (auth.AWSCredentials, error) {
	var j awsJSON
	if err := json.Unmarshal(body, &j); err != nil {
		return auth.AWSCredentials{}, errors.New(what + ": the response is not the expected JSON")
	}
	if j.Code != "" && j.Code != "Success" {
		return auth.AWSCredentials{}, fmt.Errorf("%s: Code is %q, not Success", what, j.Code)
	}
	return j.credentials(what)
}

func (j *awsJSON) credentials(what string) (auth.AWSCredentials, error) {
	if j.AccessKeyID == "" || j.SecretAccessKey == "" {
		return auth.AWSCredentials{}, errors.New(what + ": the response has no AccessKeyId or SecretAccessKey")
	}
	exp, err := parseExpiration(j.Expiration)
	if err != nil {
		return auth.AWSCredentials{}, fmt.Errorf("%s: Expiration: %w", what, err)
	}
	return auth.AWSCredentials{AccessKeyID: j.AccessKeyID, SecretAccessKey: j.SecretAccessKey,
		SessionToken: firstNonEmpty(j.Token, j.SessionToken), Expiration: exp}, nil
}

// parseExpiration reads an RFC 3339 string or a number of seconds since
// the epoch; absent means no expiry.
func parseExpiration(raw json.RawMessage) (time.Time, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return time.Parse(time.RFC3339, s)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return time.Time{}, errors.New("neither an RFC 3339 time nor epoch seconds")
	}
	return time.Unix(int64(f), 0).UTC(), nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
