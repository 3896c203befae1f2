package aws

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
)

// MONGODB-AWS (auth spec, "MONGODB-AWS"): the client proves it holds AWS
// credentials by signing an STS GetCallerIdentity request, which the server
// sends to AWS itself. Two client messages, as BSON payloads:
//
//	client first:  {r: <32-byte client nonce>, p: 110 ('n': no channel binding)}
//	server first:  {s: <64-byte server nonce, starting with r>, h: <STS host>}
//	client second: {a: <SigV4 Authorization>, d: <X-Amz-Date>, [t: <session token>]}
//
// The request signed is POST https://<h>/ with the body
// "Action=GetCallerIdentity&Version=2011-06-15", the region taken from h,
// and the headers Content-Length, Content-Type, Host, X-Amz-Date,
// [X-Amz-Security-Token], X-MongoDB-GS2-CB-Flag: n and
// X-MongoDB-Server-Nonce: base64(s), all signed.

const (
	awsNonceLen  = 32
	awsGS2CBFlag = 'n'
	awsSTSBody   = "Action=GetCallerIdentity&Version=2011-06-15"
	awsService   = "sts"

	externalSource = "$external" // the authentication database
)

// awsMechanism is one MONGODB-AWS conversation.
type awsMechanism struct {
	creds       auth.AWSCredentials
	clientNonce []byte
	now         func() time.Time
	done        bool
}

func newAWSMechanism(creds auth.AWSCredentials) (*awsMechanism, error) {
	nonce := make([]byte, awsNonceLen)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("client nonce: %w", err)
	}
	return &awsMechanism{creds: creds, clientNonce: nonce, now: time.Now}, nil
}

func (m *awsMechanism) start() []byte {
	start, dst := bson.AppendDocumentStart(nil)
	dst = bson.AppendBinaryElement(dst, "r", bson.BinaryGeneric, m.clientNonce)
	dst = bson.AppendInt32Element(dst, "p", awsGS2CBFlag)
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}

// step answers the server's first message with the signed request.
func (m *awsMechanism) step(_ context.Context, challenge []byte) ([]byte, error) {
	if m.done {
		return nil, errors.New("server sent a second MONGODB-AWS challenge")
	}
	serverNonce, host, err := m.parseServerFirst(challenge)
	if err != nil {
		return nil, err
	}
	region, err := awsRegion(host)
	if err != nil {
		return nil, err
	}
	t := m.now().UTC()
	date := t.Format(amzDateLayout)
	req := &sigv4Request{Method: "POST", Path: "/", Body: []byte(awsSTSBody), Region: region, Service: awsService, Time: t,
		Headers: [][2]string{
			{"Content-Length", "43"},
			{"Content-Type", "application/x-www-form-urlencoded"},
			{"Host", host},
			{"X-Amz-Date", date},
			{"X-MongoDB-GS2-CB-Flag", string(rune(awsGS2CBFlag))},
			{"X-MongoDB-Server-Nonce", base64.StdEncoding.EncodeToString(serverNonce)},
		}}
	if m.creds.SessionToken != "" {
		req.Headers = append(req.Headers, [2]string{"X-Amz-Security-Token", m.creds.SessionToken})
	}
	authz := sigv4Authorization(req, m.creds.AccessKeyID, m.creds.SecretAccessKey)
	start, dst := bson.AppendDocumentStart(nil)
	dst = bson.AppendStringElement(dst, "a", authz)
	dst = bson.AppendStringElement(dst, "d", date)
	if m.creds.SessionToken != "" {
		dst = bson.AppendStringElement(dst, "t", m.creds.SessionToken)
	}
	m.done = true
	return bson.AppendDocumentEnd(dst, start)
}

// parseServerFirst reads {s, h} and checks the nonce. Errors name the
// field, never its contents.
func (m *awsMechanism) parseServerFirst(payload []byte) (nonce []byte, host string, err error) {
	doc := bson.Raw(payload)
	if err := doc.Validate(); err != nil {
		return nil, "", fmt.Errorf("server's MONGODB-AWS payload is not a BSON document: %w", err)
	}
	b, ok := doc.Lookup("s").Binary()
	if !ok {
		return nil, "", errors.New("server's MONGODB-AWS payload: s (server nonce) is missing or not binary")
	}
	if len(b.Data) != 2*awsNonceLen {
		return nil, "", fmt.Errorf("server nonce is %d bytes, want %d", len(b.Data), 2*awsNonceLen)
	}
	if string(b.Data[:awsNonceLen]) != string(m.clientNonce) {
		return nil, "", errors.New("server nonce does not start with the client nonce")
	}
	host, ok = doc.Lookup("h").StringValue()
	if !ok {
		return nil, "", errors.New("server's MONGODB-AWS payload: h (STS host) is missing or not a string")
	}
	return b.Data, host, nil
}

// awsRegion validates the STS host (1 to 255 bytes, no empty label) and
// derives the region: us-east-1 for "sts.amazonaws.com" (the spec's table;
// its pseudocode says "aws.amazonaws.com", taken too) and names without a
// dot, else the second label.
func awsRegion(host string) (string, error) {
	switch {
	case host == "":
		return "", errors.New("server sent an empty STS host")
	case len(host) > 255:
		return "", fmt.Errorf("server sent an STS host of %d bytes, more than 255", len(host))
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" {
			return "", errors.New("server sent an STS host with an empty label")
		}
	}
	if host == "sts.amazonaws.com" || host == "aws.amazonaws.com" || len(labels) == 1 {
		return "us-east-1", nil
	}
	return labels[1], nil
}

// authenticateAWS runs a MONGODB-AWS conversation with credentials from
// the chain; any failure clears the client's credential cache.
func authenticateAWS(ctx context.Context, c auth.Commander, cred auth.Credential, cache *awsCache) error {
	err := runAWS(ctx, c, cred, cache)
	if err != nil {
		cache.clear()
	}
	return err
}

func runAWS(ctx context.Context, c auth.Commander, cred auth.Credential, cache *awsCache) error {
	creds, err := awsCredentials(ctx, cred, cache)
	if err != nil {
		return fmt.Errorf("AWS credentials: %w", err)
	}
	m, err := newAWSMechanism(creds)
	if err != nil {
		return err
	}
	r, err := auth.SASLStart(ctx, c, externalSource, auth.MechanismAWS, m.start())
	if err != nil {
		return err
	}
	if r.Done {
		return errors.New("server ended the MONGODB-AWS conversation before the signed request")
	}
	resp, err := m.step(ctx, r.Payload)
	if err != nil {
		return err
	}
	if r, err = auth.SASLContinue(ctx, c, externalSource, r, resp); err != nil {
		return err
	}
	if !r.Done {
		return errors.New("server did not end the MONGODB-AWS conversation after the signed request")
	}
	return nil
}
