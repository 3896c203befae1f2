package oidc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/torque-go/torque/auth"
)

// The built-in OIDC environments (ENVIRONMENT mechanism property). "test"
// and "k8s" read a token file and live here; "azure" and "gcp" ask a
// metadata server over HTTP and are registered by package auth/cloud, so
// that programs without it never link net/http.

// Environment makes the callback of a built-in environment from the
// credential's TOKEN_RESOURCE and username.
type Environment func(tokenResource, username string) auth.OIDCCallback

var oidcEnvs = struct {
	sync.RWMutex
	m map[string]Environment
}{m: map[string]Environment{
	"test": func(string, string) auth.OIDCCallback { return testTokenFile },
	"k8s":  func(string, string) auth.OIDCCallback { return k8sTokenFile },
}}

// RegisterEnvironment installs the environment name (nil removes it).
// Package auth/cloud registers "azure" and "gcp" from its init function.
func RegisterEnvironment(name string, env Environment) {
	oidcEnvs.Lock()
	defer oidcEnvs.Unlock()
	if env == nil {
		delete(oidcEnvs.m, name)
		return
	}
	oidcEnvs.m[name] = env
}

func oidcEnvironment(name string) (Environment, bool) {
	oidcEnvs.RLock()
	defer oidcEnvs.RUnlock()
	e, ok := oidcEnvs.m[name]
	return e, ok
}

// testTokenFile is ENVIRONMENT:test: the token is the file named by
// OIDC_TOKEN_FILE.
func testTokenFile(context.Context, *auth.OIDCArgs) (*auth.OIDCCredential, error) {
	path := os.Getenv("OIDC_TOKEN_FILE")
	if path == "" {
		return nil, errors.New("ENVIRONMENT test: OIDC_TOKEN_FILE is not set")
	}
	return tokenFromFile("ENVIRONMENT test", path)
}

// k8sDefaultTokenFile is where Kubernetes mounts the service account token.
var k8sDefaultTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// k8sTokenFile is ENVIRONMENT:k8s: AZURE_FEDERATED_TOKEN_FILE (AKS), else
// AWS_WEB_IDENTITY_TOKEN_FILE (EKS), else the service account token.
func k8sTokenFile(context.Context, *auth.OIDCArgs) (*auth.OIDCCredential, error) {
	path := os.Getenv("AZURE_FEDERATED_TOKEN_FILE")
	if path == "" {
		path = os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE")
	}
	if path == "" {
		path = k8sDefaultTokenFile
	}
	return tokenFromFile("ENVIRONMENT k8s", path)
}

// tokenFromFile reads a token file; surrounding white space is dropped.
// Errors name the file, never its contents.
func tokenFromFile(what, path string) (*auth.OIDCCredential, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the token file: %w", what, err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return nil, fmt.Errorf("%s: token file %s is empty", what, path)
	}
	return &auth.OIDCCredential{AccessToken: tok}, nil
}

// validateOIDC checks a MONGODB-OIDC credential (auth spec, "MongoCredential
// Properties" and the built-in environments).
func validateOIDC(c auth.Credential) string {
	if c.PasswordSet || c.Password != "" {
		return "a password is not allowed for " + auth.MechanismOIDC
	}
	for k := range c.Props {
		switch strings.ToUpper(k) {
		case "ENVIRONMENT", "TOKEN_RESOURCE":
		case "ALLOWED_HOSTS":
			return "ALLOWED_HOSTS cannot be a mechanism property: set Credential.OIDCAllowedHosts"
		default:
			return fmt.Sprintf("property %q is not supported by %s", k, auth.MechanismOIDC)
		}
	}
	env, hasEnv := c.Prop("ENVIRONMENT")
	_, hasResource := c.Prop("TOKEN_RESOURCE")
	switch n := btoi(hasEnv) + btoi(c.OIDCMachineCallback != nil) + btoi(c.OIDCHumanCallback != nil); {
	case n == 0:
		return "MONGODB-OIDC needs an ENVIRONMENT property or a callback"
	case n > 1:
		return "MONGODB-OIDC takes one of ENVIRONMENT, OIDCMachineCallback and OIDCHumanCallback"
	case !hasEnv:
		if hasResource {
			return "TOKEN_RESOURCE is only for ENVIRONMENT azure or gcp"
		}
		return ""
	}
	switch env {
	case "test", "k8s":
		if c.Username != "" {
			return "a username is not allowed with ENVIRONMENT " + env
		}
		if hasResource {
			return "TOKEN_RESOURCE is only for ENVIRONMENT azure or gcp"
		}
	case "azure", "gcp":
		if !hasResource {
			return "ENVIRONMENT " + env + " needs TOKEN_RESOURCE"
		}
	default:
		return fmt.Sprintf("ENVIRONMENT %q is not one of test, azure, gcp, k8s", env)
	}
	if _, ok := oidcEnvironment(env); !ok {
		return "ENVIRONMENT " + env + " needs package github.com/torque-go/torque/auth/cloud: " +
			"import _ \"github.com/torque-go/torque/auth/cloud\""
	}
	return ""
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
