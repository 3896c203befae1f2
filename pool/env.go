package pool

import (
	"os"
	"strconv"
	"strings"
)

// Env is the handshake's client.env document (MongoDB Handshake spec): the
// Function-as-a-Service platform and the container the process runs in.
// Empty fields are left out of the document; a nil or empty Env sends no
// env at all.
type Env struct {
	// Name is the FaaS platform: "aws.lambda", "azure.func", "gcp.func"
	// or "vercel"; empty when none (or more than one) was detected.
	Name string
	// TimeoutSec, MemoryMB and Region describe the function, where the
	// platform says them (0 and "" when not).
	TimeoutSec int32
	MemoryMB   int32
	Region     string
	// ContainerRuntime is "docker" when /.dockerenv exists;
	// Orchestrator is "kubernetes" when KUBERNETES_SERVICE_HOST is set.
	ContainerRuntime string
	Orchestrator     string
}

// FaaS reports whether e names a FaaS platform (serverMonitoringMode=auto
// polls there).
func (e *Env) FaaS() bool { return e != nil && e.Name != "" }

func (e *Env) empty() bool { return e == nil || *e == Env{} }

// DetectEnv reads the environment variables and the /.dockerenv file the
// handshake spec names. It is never called implicitly by this package;
// package client calls it in Connect.
func DetectEnv() *Env {
	_, err := os.Stat("/.dockerenv")
	return envFrom(os.Getenv, err == nil)
}

// envFrom is DetectEnv over a given environment. Values of the wrong type
// are left out, never an error.
func envFrom(getenv func(string) string, dockerenv bool) *Env {
	e := &Env{}
	awsLambda := strings.HasPrefix(getenv("AWS_EXECUTION_ENV"), "AWS_Lambda_") || getenv("AWS_LAMBDA_RUNTIME_API") != ""
	found := map[string]bool{
		"aws.lambda": awsLambda,
		"azure.func": getenv("FUNCTIONS_WORKER_RUNTIME") != "",
		"gcp.func":   getenv("K_SERVICE") != "" || getenv("FUNCTION_NAME") != "",
		"vercel":     getenv("VERCEL") != "",
	}
	if found["vercel"] {
		found["aws.lambda"] = false // vercel takes precedence over aws.lambda
	}
	n := 0
	for name, ok := range found {
		if ok {
			e.Name = name
			n++
		}
	}
	if n != 1 {
		e.Name = "" // none, or a combination the spec makes ambiguous
	}
	int32Of := func(key string) int32 {
		v, err := strconv.ParseInt(getenv(key), 10, 32)
		if err != nil {
			return 0
		}
		return int32(v)
	}
	switch e.Name {
	case "aws.lambda":
		e.Region, e.MemoryMB = getenv("AWS_REGION"), int32Of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
	case "gcp.func":
		e.MemoryMB, e.TimeoutSec, e.Region = int32Of("FUNCTION_MEMORY_MB"), int32Of("FUNCTION_TIMEOUT_SEC"), getenv("FUNCTION_REGION")
	case "vercel":
		e.Region = getenv("VERCEL_REGION")
	}
	if dockerenv {
		e.ContainerRuntime = "docker"
	}
	if getenv("KUBERNETES_SERVICE_HOST") != "" {
		e.Orchestrator = "kubernetes"
	}
	return e
}
