package wire

import (
	"bytes"
	"compress/zlib"
	"strings"
	"testing"
)

// decodeZlib reads what compress/zlib writes, and refuses a bad header, a
// preset dictionary, a wrong checksum, bytes after the checksum and a
// truncated stream.
func TestDecodeZlibFrame(t *testing.T) {
	plain := bytes.Repeat([]byte("torque zlib "), 100)
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(plain)
	w.Close()
	good := b.Bytes()
	out := make([]byte, len(plain))
	if err := decodeZlib(out, good); err != nil || !bytes.Equal(out, plain) {
		t.Fatalf("good stream: %v", err)
	}
	mod := func(f func(s []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for name, tc := range map[string]struct {
		src  []byte
		want string
	}{
		"header":     {mod(func(s []byte) []byte { s[0] = 0x79; return s }), "header is invalid"},
		"dictionary": {mod(func(s []byte) []byte { s[0], s[1] = 0x78, 0x20; return s }), "dictionary"}, // 0x7820 % 31 == 0
		"checksum":   {mod(func(s []byte) []byte { s[len(s)-1] ^= 1; return s }), "checksum does not match"},
		"trailing":   {append(bytes.Clone(good), 0), "5 bytes after its data"},
		"no trailer": {good[:len(good)-4], "0 bytes after its data"},
		"truncated":  {good[:len(good)/2], "zlib"},
		"short":      {good[:3], "too short"},
	} {
		if err := decodeZlib(out, tc.src); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}
