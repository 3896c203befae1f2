package aws

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"
)

// AWS Signature Version 4 (docs.aws.amazon.com, "Create a signed AWS API
// request"), for requests whose headers are all signed. MONGODB-AWS signs
// an STS GetCallerIdentity request that the server forwards to AWS; the
// auth/cloud package signs nothing (STS AssumeRoleWithWebIdentity is an
// unsigned call).
//
//	canonical request = method \n canonical URI \n canonical query \n
//	                    canonical headers \n signed headers \n hex(sha256(body))
//	string to sign    = "AWS4-HMAC-SHA256" \n amzDate \n scope \n hex(sha256(canonical request))
//	signing key       = HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"
//	signature         = hex(HMAC(signing key, string to sign))

// sigv4Request is what is signed.
type sigv4Request struct {
	Method  string
	Path    string      // absolute path, unescaped ("/" when empty)
	Query   string      // raw query without "?", "" for none
	Headers [][2]string // name, value in the order sent; repeated names allowed
	Body    []byte
	Region  string
	Service string
	Time    time.Time // X-Amz-Date; must also be among Headers
}

const (
	sigv4Algorithm  = "AWS4-HMAC-SHA256"
	amzDateLayout   = "20060102T150405Z"
	amzDayLayout    = "20060102"
	sigv4Terminator = "aws4_request"
)

// sigv4Authorization returns the Authorization header value for r signed
// with the given key pair. Only the signature depends on the secret.
func sigv4Authorization(r *sigv4Request, accessKeyID, secret string) string {
	signed, canonical := sigv4CanonicalRequest(r)
	scope := r.Time.UTC().Format(amzDayLayout) + "/" + r.Region + "/" + r.Service + "/" + sigv4Terminator
	sig := sigv4Signature(secret, r.Time, r.Region, r.Service, sigv4StringToSign(r.Time, scope, canonical))
	return sigv4Algorithm + " Credential=" + accessKeyID + "/" + scope + ", SignedHeaders=" + signed + ", Signature=" + sig
}

// sigv4StringToSign builds the string to sign from a canonical request.
func sigv4StringToSign(t time.Time, scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return sigv4Algorithm + "\n" + t.UTC().Format(amzDateLayout) + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// sigv4Signature derives the signing key and signs stringToSign.
func sigv4Signature(secret string, t time.Time, region, service, stringToSign string) string {
	k := hmacSHA256([]byte("AWS4"+secret), t.UTC().Format(amzDayLayout))
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, sigv4Terminator)
	return hex.EncodeToString(hmacSHA256(k, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// sigv4CanonicalRequest returns the signed-headers list and the canonical
// request.
func sigv4CanonicalRequest(r *sigv4Request) (signedHeaders, canonical string) {
	names, values := sigv4Headers(r.Headers)
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(sigv4Path(r.Path))
	b.WriteByte('\n')
	b.WriteString(sigv4Query(r.Query))
	b.WriteByte('\n')
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(values[n])
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	signedHeaders = strings.Join(names, ";")
	b.WriteString(signedHeaders)
	b.WriteByte('\n')
	sum := sha256.Sum256(r.Body)
	b.WriteString(hex.EncodeToString(sum[:]))
	return signedHeaders, b.String()
}

// sigv4Headers lower-cases names, trims values and folds runs of spaces,
// and joins the values of a repeated name with commas in the order sent.
func sigv4Headers(h [][2]string) (names []string, values map[string]string) {
	values = make(map[string]string, len(h))
	for _, kv := range h {
		n := strings.ToLower(strings.TrimSpace(kv[0]))
		v := strings.Join(strings.Fields(kv[1]), " ")
		if old, ok := values[n]; ok {
			values[n] = old + "," + v
			continue
		}
		values[n] = v
		names = append(names, n)
	}
	sort.Strings(names)
	return names, values
}

// sigv4Path URI-encodes each segment of an absolute path (the path is not
// normalised: MONGODB-AWS always signs "/").
func sigv4Path(p string) string {
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = sigv4Escape(s)
	}
	return strings.Join(segs, "/")
}

// sigv4Query sorts the parameters by name, then value, each URI-encoded.
// Parameters are taken as given (already decoded is not assumed: a "%XX"
// in the raw query is decoded first so that it is encoded exactly once).
func sigv4Query(raw string) string {
	if raw == "" {
		return ""
	}
	var params [][2]string
	for _, part := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(part, "=")
		params = append(params, [2]string{sigv4Escape(unescapeLoose(k)), sigv4Escape(unescapeLoose(v))})
	}
	sort.Slice(params, func(i, j int) bool {
		if params[i][0] != params[j][0] {
			return params[i][0] < params[j][0]
		}
		return params[i][1] < params[j][1]
	})
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p[0] + "=" + p[1]
	}
	return strings.Join(parts, "&")
}

// sigv4Escape percent-encodes every byte but the unreserved characters
// A-Z a-z 0-9 - . _ ~, with upper-case hex digits.
func sigv4Escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// unescapeLoose decodes %XX sequences and leaves anything else (a lone
// '%', '+') as it is.
func unescapeLoose(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := hex.DecodeString(s[i+1 : i+3]); err == nil {
				b.WriteByte(v[0])
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
