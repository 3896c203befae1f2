package client

import (
	"bytes"
	"context"
	"log/slog"
	"os/exec"
	"strings"
	"testing"

	"github.com/torque-go/torque/wire"
)

// A compressor whose package the program does not import is a logged
// warning, never an error (not even with StrictURI): the connection goes on
// without it.
func TestUnregisteredCompressorIsAWarning(t *testing.T) {
	compressorRegistered = func(id wire.CompressorID) bool { return id == wire.CompressorZlib }
	defer func() { compressorRegistered = wire.CompressorID.Registered }()
	const uri = "mongodb://a/?compressors=zstd,zlib,snappy"
	var logged bytes.Buffer
	c, err := Connect(context.Background(), uri, Options{StrictURI: true, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	_ = c.Disconnect(context.Background())
	out := logged.String()
	if n := strings.Count(out, "level=WARN"); n != 2 || !strings.Contains(out, "compress/zstd") ||
		!strings.Contains(out, "compress/snappy") || strings.Contains(out, "compressor zlib") {
		t.Errorf("logged %d warnings, want zstd and snappy: %s", n, out)
	}
	if len(c.opts.Warnings) != 0 {
		t.Errorf("URI warnings %q, want none", c.opts.Warnings)
	}
}

// A program that imports neither compress/snappy nor compress/zstd links
// nothing outside the standard library for compression: the client's
// dependencies hold no klauspost package, while compress/zstd's do.
func TestClientLinksNoCompressionLibrary(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	deps := func(pkg string) string {
		out, err := exec.Command(goTool, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		return string(out)
	}
	if out := deps("github.com/torque-go/torque/client"); strings.Contains(out, "github.com/klauspost/") {
		t.Errorf("client links klauspost/compress:\n%s", out)
	} else if !strings.Contains(out, "compress/zlib") {
		t.Errorf("client does not link compress/zlib, the built-in compressor:\n%s", out)
	}
	for _, pkg := range []string{"snappy", "zstd"} {
		if out := deps("github.com/torque-go/torque/compress/" + pkg); !strings.Contains(out, "github.com/klauspost/compress") {
			t.Errorf("compress/%s does not link klauspost/compress:\n%s", pkg, out)
		}
	}
}
