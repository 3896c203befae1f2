package topology

import (
	"os"
	"strings"
)

// DetectFaaS reports whether the process runs on a Function-as-a-Service
// platform (AWS Lambda, Azure Functions, Google Cloud Functions, Vercel),
// by the environment variables the MongoDB Handshake spec names for
// client.env. In MonitorAuto mode such a client polls instead of streaming:
// a frozen function cannot keep a streaming connection alive.
//
// It reads the environment, so it is never called implicitly:
// FromConnString calls it to fill Options.FaaS.
func DetectFaaS() bool {
	return faasFromEnv(os.Getenv)
}

// faasFromEnv is DetectFaaS over a given environment.
func faasFromEnv(getenv func(string) string) bool {
	aws := strings.HasPrefix(getenv("AWS_EXECUTION_ENV"), "AWS_Lambda_") || getenv("AWS_LAMBDA_RUNTIME_API") != ""
	azure := getenv("FUNCTIONS_WORKER_RUNTIME") != ""
	gcp := getenv("K_SERVICE") != "" || getenv("FUNCTION_NAME") != ""
	vercel := getenv("VERCEL") != ""
	return aws || azure || gcp || vercel
}
