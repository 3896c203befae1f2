package crossbuild

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// wasmTargets are the WebAssembly targets bson, wire and client keep
// building for.
var wasmTargets = []string{"wasip1/wasm", "js/wasm"}

// wasmPackages are the packages built for each of them.
var wasmPackages = []string{
	"github.com/torque-go/torque/bson",
	"github.com/torque-go/torque/wire",
	"github.com/torque-go/torque/compress/snappy",
	"github.com/torque-go/torque/compress/zstd",
	"github.com/torque-go/torque/client",
}

func TestBuildsForWasm(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to cross-build: %v", err)
	}
	list, err := exec.Command(goTool, "tool", "dist", "list").Output()
	if err != nil {
		t.Fatalf("go tool dist list: %v", err)
	}
	have := map[string]bool{}
	for _, l := range strings.Fields(string(list)) {
		have[l] = true
	}
	for _, target := range wasmTargets {
		t.Run(strings.ReplaceAll(target, "/", "-"), func(t *testing.T) {
			if !have[target] {
				if os.Getenv("CI") == "true" {
					t.Fatalf("the go toolchain has no %s target", target)
				}
				t.Skipf("the go toolchain has no %s target", target)
			}
			goos, goarch, _ := strings.Cut(target, "/")
			cmd := exec.Command(goTool, append([]string{"build"}, wasmPackages...)...)
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("GOOS=%s GOARCH=%s go build: %v\n%s", goos, goarch, err, out)
			}
		})
	}
}
