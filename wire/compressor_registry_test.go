package wire

import (
	"strings"
	"testing"
)

// Without its package imported, zstd is not Registered, Compress and
// Decompress refuse it naming the package to import, and zlib still works.
func TestUnregisteredCompressor(t *testing.T) {
	msg := bigMsg(t, 4096)
	packed, err := Compress(nil, msg, CompressorZstd, ZlibDefaultLevel)
	if err != nil {
		t.Fatal(err)
	}
	saved := codecs[CompressorZstd].Swap(nil)
	defer codecs[CompressorZstd].Store(saved)
	if CompressorZstd.Registered() || !CompressorZlib.Registered() || !CompressorSnappy.Registered() {
		t.Errorf("Registered: zstd %v zlib %v snappy %v", CompressorZstd.Registered(), CompressorZlib.Registered(), CompressorSnappy.Registered())
	}
	const want = `compressor zstd is not registered (import _ "github.com/torque-go/torque/compress/zstd")`
	if out, err := Compress(nil, msg, CompressorZstd, ZlibDefaultLevel); err == nil || !strings.Contains(err.Error(), want) || len(out) != 0 {
		t.Errorf("Compress: %d bytes, %v", len(out), err)
	}
	if out, err := Decompress(nil, packed, 0); err == nil || !strings.Contains(err.Error(), want) || len(out) != 0 {
		t.Errorf("Decompress: %d bytes, %v", len(out), err)
	}
	if _, err := Compress(nil, msg, CompressorZlib, ZlibBestSpeed); err != nil {
		t.Errorf("zlib: %v", err)
	}
}

// RegisterCompressor refuses a second registration, a built-in id and a
// Codec with a nil func.
func TestRegisterCompressorPanics(t *testing.T) {
	ok := Codec{Append: func(d, s []byte) ([]byte, error) { return d, nil }, Decode: func(d, s []byte) error { return nil }}
	for name, f := range map[string]func(){
		"twice": func() { RegisterCompressor(CompressorZstd, ok) },
		"zlib":  func() { RegisterCompressor(CompressorZlib, ok) },
		"nil":   func() { RegisterCompressor(CompressorSnappy, Codec{Append: ok.Append}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
