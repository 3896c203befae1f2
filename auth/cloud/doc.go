// Package cloud fetches credentials over HTTP for package auth: AWS
// credentials for MONGODB-AWS from STS AssumeRoleWithWebIdentity, the ECS
// container endpoint and EC2 instance metadata (IMDSv2), and OIDC access
// tokens for MONGODB-OIDC from the Azure instance metadata service
// (ENVIRONMENT:azure) and the GCP metadata server (ENVIRONMENT:gcp).
//
// # Why a separate package
//
// These are the only parts of torque that need net/http, which adds
// megabytes to a binary. Packages auth/aws and auth/oidc keep everything
// that needs no HTTP (the SigV4 signer, the SASL conversations, the
// credential caches, AWS credentials from the environment, the OIDC test
// and k8s token files) and fall back to what this package registers. A
// program that authenticates with MONGODB-AWS on AWS compute, or with
// MONGODB-OIDC on Azure or GCP, imports it for its side effect (it
// imports both mechanism packages, so it enables both mechanisms too):
//
//	import _ "github.com/torque-go/torque/auth/cloud"
//
// Without it, such a credential fails with an error that names this
// import. Config's methods build the same providers against other
// endpoints (tests, proxies) for Credential.AWSCredentialProvider and
// Credential.OIDCMachineCallback.
//
// # Files
//
//   - register.go: init registers DefaultConfig's providers with auth/aws
//     and auth/oidc.
//   - config.go: Config (endpoints, HTTP client), the bounded HTTP helpers.
//   - aws.go: the AWS chain: web identity, ECS, EC2 IMDSv2; response parsing.
//   - oidc.go: the Azure and GCP token callbacks.
//
// # Security
//
// Errors name the endpoint and the HTTP status, never a response body, a
// token or a key: response bodies may hold credentials. Responses are read
// up to 1 MiB. Every request is bounded by the caller's context and by
// Config.Timeout (10 seconds by default, as the auth spec suggests).
//
// # Concurrency
//
// Config is a value; its providers may be called from many goroutines.
package cloud
