package pool

import (
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
)

// The handshake spec's prose test 1: client.env from each set of
// environment variables.
func TestEnvFromHandshakeProseCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		want Env
	}{
		{"aws", map[string]string{"AWS_EXECUTION_ENV": "AWS_Lambda_java8", "AWS_REGION": "us-east-2", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024"},
			Env{Name: "aws.lambda", Region: "us-east-2", MemoryMB: 1024}},
		{"azure", map[string]string{"FUNCTIONS_WORKER_RUNTIME": "node"}, Env{Name: "azure.func"}},
		{"gcp", map[string]string{"K_SERVICE": "servicename", "FUNCTION_MEMORY_MB": "1024", "FUNCTION_TIMEOUT_SEC": "60", "FUNCTION_REGION": "us-central1"},
			Env{Name: "gcp.func", MemoryMB: 1024, TimeoutSec: 60, Region: "us-central1"}},
		{"vercel", map[string]string{"VERCEL": "1", "VERCEL_REGION": "cdg1"}, Env{Name: "vercel", Region: "cdg1"}},
		{"vercel over aws", map[string]string{"VERCEL": "1", "AWS_EXECUTION_ENV": "AWS_Lambda_java8"}, Env{Name: "vercel"}},
		{"multiple providers", map[string]string{"AWS_EXECUTION_ENV": "AWS_Lambda_java8", "FUNCTIONS_WORKER_RUNTIME": "node"}, Env{}},
		{"wrong type", map[string]string{"AWS_EXECUTION_ENV": "AWS_Lambda_java8", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "big"}, Env{Name: "aws.lambda"}},
		{"not lambda", map[string]string{"AWS_EXECUTION_ENV": "EC2"}, Env{}},
		{"container and faas", map[string]string{"AWS_EXECUTION_ENV": "AWS_Lambda_java8", "AWS_REGION": "us-east-2",
			"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024", "KUBERNETES_SERVICE_HOST": "1"},
			Env{Name: "aws.lambda", Region: "us-east-2", MemoryMB: 1024, Orchestrator: "kubernetes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := envFrom(func(k string) string { return tc.vars[k] }, false)
			if *got != tc.want {
				t.Errorf("env = %+v, want %+v", *got, tc.want)
			}
		})
	}
	if e := envFrom(func(string) string { return "" }, true); e.ContainerRuntime != "docker" || e.FaaS() {
		t.Errorf("with /.dockerenv: %+v", *e)
	}
}

func clientDoc(t *testing.T, cfg *ConnConfig) bson.Raw {
	t.Helper()
	m, err := newMetadata(cfg)
	if err != nil {
		t.Fatal(err)
	}
	el, err := appendClientMetadata(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	doc := bson.Raw(el[len("\x03client\x00"):])
	if len(doc) > 512 {
		t.Fatalf("client document is %d bytes", len(doc))
	}
	return doc
}

func TestMetadataEnvDocument(t *testing.T) {
	doc := clientDoc(t, &ConnConfig{Env: &Env{Name: "aws.lambda", Region: "us-east-2", MemoryMB: 1024, Orchestrator: "kubernetes"}})
	if name, _ := doc.Lookup("env", "name").StringValue(); name != "aws.lambda" {
		t.Errorf("env.name = %q in %v", name, doc)
	}
	if mb, _ := doc.Lookup("env", "memory_mb").Int32(); mb != 1024 {
		t.Errorf("env.memory_mb = %d in %v", mb, doc)
	}
	if o, _ := doc.Lookup("env", "container", "orchestrator").StringValue(); o != "kubernetes" {
		t.Errorf("env.container.orchestrator = %q", o)
	}
	if !clientDoc(t, &ConnConfig{Env: &Env{}}).Lookup("env").IsZero() {
		t.Error("an empty env was sent")
	}
	// The spec's long-string case: env keeps only its name, os only its
	// type; with no room at all, env goes.
	long := &Env{Name: "aws.lambda", Region: strings.Repeat("a", 512)}
	doc = clientDoc(t, &ConnConfig{Env: long})
	if name, _ := doc.Lookup("env", "name").StringValue(); name != "aws.lambda" || !doc.Lookup("env", "region").IsZero() {
		t.Errorf("env after truncation: %v", doc.Lookup("env"))
	}
	if doc.Lookup("os", "architecture").IsZero() {
		t.Error("os truncated although dropping env fields was enough")
	}
	doc = clientDoc(t, &ConnConfig{Env: long, AppName: strings.Repeat("n", 128),
		DriverInfo: []DriverInfo{{Name: strings.Repeat("w", 115), Version: strings.Repeat("v", 115)}}})
	if !doc.Lookup("env").IsZero() || !doc.Lookup("os", "name").IsZero() {
		t.Errorf("env and os.name should be gone: %v", doc)
	}
}
