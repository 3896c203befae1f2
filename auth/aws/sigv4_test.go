package aws

import (
	"os"
	"strings"
	"testing"
	"time"
)

// sigv4Case is one case of testdata/sigv4-test-suite.txt.
type sigv4Case struct {
	name string
	req  sigv4Request
	want string // the Authorization header
}

// readSigV4Suite parses testdata/sigv4-test-suite.txt (format in its
// header comment).
func readSigV4Suite(t *testing.T) []sigv4Case {
	t.Helper()
	data, err := os.ReadFile("testdata/sigv4-test-suite.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []sigv4Case
	for _, block := range strings.Split(string(data), "\n=== ")[1:] {
		name, rest, _ := strings.Cut(block, "\n")
		head, body, _ := strings.Cut(rest, "\n\n")
		head = strings.TrimSuffix(head, "\n")
		lines := strings.Split(head, "\n")
		method, target, _ := strings.Cut(lines[0], " ")
		target = strings.TrimSuffix(target, " HTTP/1.1")
		path, query, _ := strings.Cut(target, "?")
		c := sigv4Case{name: name, req: sigv4Request{Method: method, Path: path, Query: query,
			Body: []byte(strings.TrimSuffix(body, "\n")), Region: "us-east-1", Service: "service"}}
		for _, l := range lines[1:] {
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				t.Fatalf("%s: header line %q", name, l)
			}
			if k == "Authorization" {
				c.want = v
				continue
			}
			c.req.Headers = append(c.req.Headers, [2]string{k, v})
			if k == "X-Amz-Date" {
				if c.req.Time, err = time.Parse(amzDateLayout, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func TestSigV4TestSuite(t *testing.T) {
	cases := readSigV4Suite(t)
	if len(cases) < 8 {
		t.Fatalf("read %d cases, want 8", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := sigv4Authorization(&c.req, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if bad := sigv4Authorization(&c.req, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz"); bad == c.want {
				t.Error("another secret gave the same signature")
			}
		})
	}
}

// The intermediate values of get-vanilla as the suite publishes them
// (get-vanilla/header-canonical-request.txt and header-string-to-sign.txt).
func TestSigV4Intermediates(t *testing.T) {
	r := &sigv4Request{Method: "GET", Path: "/", Region: "us-east-1", Service: "service",
		Headers: [][2]string{{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
		Time:    time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)}
	signed, canonical := sigv4CanonicalRequest(r)
	wantCanonical := "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if signed != "host;x-amz-date" || canonical != wantCanonical {
		t.Fatalf("canonical request:\n%s\nsigned %s", canonical, signed)
	}
	sts := sigv4StringToSign(r.Time, "20150830/us-east-1/service/aws4_request", canonical)
	wantSTS := "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" +
		"bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
	if sts != wantSTS {
		t.Fatalf("string to sign:\n%s", sts)
	}
}

func TestSigV4Escape(t *testing.T) {
	for in, want := range map[string]string{
		"":           "",
		"a b":        "a%20b",
		"a+b/c=d":    "a%2Bb%2Fc%3Dd",
		"-._~AZaz09": "-._~AZaz09",
		"ሴ":          "%E1%88%B4",
	} {
		if got := sigv4Escape(in); got != want {
			t.Errorf("sigv4Escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := sigv4Query("b=2&a=%41&a=1"); got != "a=1&a=A&b=2" {
		t.Errorf("sigv4Query = %q", got)
	}
}
