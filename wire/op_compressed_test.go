package wire

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

// bigMsg returns an OP_MSG whose body is one n-byte document of repetitive
// text (so that every compressor actually compresses it).
func bigMsg(t testing.TB, n int) []byte {
	doc := appendInt32(nil, int32(n))
	doc = append(doc, 0x02, 's', 0)
	doc = appendInt32(doc, int32(n-4-3-4-1-1))
	for len(doc) < n-2 {
		doc = append(doc, "torque-"[len(doc)%7])
	}
	doc = append(doc, 0, 0)
	msg, err := AppendMsg(nil, 42, 7, &Msg{Body: doc})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestCompressRoundTrip(t *testing.T) {
	small := unhex(t, helloMsgHex)
	query := unhex(t, goldens(t)[4].hex)
	reply := unhex(t, goldens(t)[5].hex)
	for _, msg := range [][]byte{small, query, reply, bigMsg(t, 1<<10), bigMsg(t, 300<<10)} {
		h, _ := ParseHeader(msg)
		for _, id := range []CompressorID{CompressorNoop, CompressorSnappy, CompressorZlib, CompressorZstd} {
			levels := []int{ZlibDefaultLevel}
			if id == CompressorZlib {
				levels = []int{-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
			}
			for _, level := range levels {
				comp, err := Compress([]byte("pre"), msg, id, level)
				if err != nil {
					t.Fatalf("%v level %d: %v", id, level, err)
				}
				if string(comp[:3]) != "pre" {
					t.Fatal("Compress clobbered dst")
				}
				hc, c, err := ParseCompressed(comp[3:])
				if err != nil {
					t.Fatal(err)
				}
				if hc.RequestID != h.RequestID || hc.ResponseTo != h.ResponseTo || c.OriginalOpCode != h.OpCode ||
					c.Compressor != id || int(c.UncompressedSize) != len(msg)-HeaderLen {
					t.Fatalf("%v: wrapper %+v %+v", id, hc, c)
				}
				if len(msg) > 100<<10 && id != CompressorNoop && level != 0 && len(comp) > len(msg)/4 {
					t.Errorf("%v level %d: %d bytes compressed to %d", id, level, len(msg), len(comp))
				}
				back, err := Decompress([]byte("x"), comp[3:], 0)
				if err != nil {
					t.Fatalf("%v level %d: Decompress: %v", id, level, err)
				}
				if back[0] != 'x' || !bytes.Equal(back[1:], msg) {
					t.Fatalf("%v level %d: round trip differs", id, level)
				}
			}
		}
	}
}

// TestDecompressConcurrent exercises the shared zstd coders and the zlib
// pools from several goroutines (run with -race).
func TestDecompressConcurrent(t *testing.T) {
	msg := bigMsg(t, 8<<10)
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			var err error
			for i := 0; i < 20 && err == nil; i++ {
				id := CompressorID(1 + (g+i)%3)
				var comp, back []byte
				if comp, err = Compress(nil, msg, id, 1); err == nil {
					back, err = Decompress(nil, comp, 0)
					if err == nil && !bytes.Equal(back, msg) {
						err = errors.New(id.String() + " round trip differs")
					}
				}
			}
			done <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestDecompressErrors(t *testing.T) {
	good := unhex(t, goldens(t)[7].hex) // snappy
	set := func(off int, b ...byte) []byte {
		m := bytes.Clone(good)
		copy(m[off:], b)
		return m
	}
	wrap := func(id CompressorID, size int32, data []byte) []byte {
		m, err := AppendCompressed(nil, 1, 0, &Compressed{OriginalOpCode: OpMsg, UncompressedSize: size, Compressor: id, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	payload := unhex(t, helloPayloadHex)
	zlibData := goldens(t)[8].comp.Data
	zstdData := goldens(t)[9].comp.Data
	tests := []struct {
		name    string
		msg     []byte
		maxSize int
		offset  int
		want    string
	}{
		{"not compressed", unhex(t, helloMsgHex), 0, 12, "not an OP_COMPRESSED"},
		{"length mismatch", good[:len(good)-1], 0, 0, "header says"},
		{"too short", wrap(0, 0, nil)[:20], 0, 0, "header says"},
		{"nested", set(16, 0xdc, 0x07), 0, 16, "cannot unwrap OP_COMPRESSED"},
		{"unknown original", set(16, 0xd2, 0x07), 0, 16, "cannot unwrap opcode(2002)"},
		{"negative size", set(20, 0xff, 0xff, 0xff, 0xff), 0, 20, "negative"},
		{"unknown compressor", set(24, 4), 0, 24, "unknown compressor 4"},
		{"over max size", good, 16 + 35, 20, "exceed the maximum message size 51"},
		// A maxSize beyond what an int32 header can say is clamped to it:
		// no 2 GiB allocation, no wrapped length.
		{"over int32 header", wrap(CompressorNoop, math.MaxInt32, payload), math.MaxInt, 20, "exceed the maximum message size 2147483647"},
		{"size says more than snappy", set(20, 37), 0, 25, "does not decompress"},
		{"size says less than snappy", set(20, 35), 0, 25, "does not decompress"},
		{"corrupt snappy", wrap(CompressorSnappy, 36, []byte{0x24, 0xff, 1}), 0, 25, "snappy"},
		{"noop size mismatch", wrap(CompressorNoop, 35, payload), 0, 25, "noop payload has 36"},
		{"zlib claims more", wrap(CompressorZlib, 37, zlibData), 0, 25, "ends early"},
		{"zlib claims less", wrap(CompressorZlib, 35, zlibData), 0, 25, "more bytes than announced"},
		{"zlib bad checksum", wrap(CompressorZlib, 36, append(bytes.Clone(zlibData[:len(zlibData)-1]), 0)), 0, 25, "zlib"},
		{"zlib garbage", wrap(CompressorZlib, 36, []byte{1, 2, 3}), 0, 25, "zlib"},
		{"zstd claims more", wrap(CompressorZstd, 37, zstdData), 0, 25, "zstd"},
		{"zstd claims less", wrap(CompressorZstd, 35, zstdData), 0, 25, "zstd"},
		{"zstd garbage", wrap(CompressorZstd, 36, []byte{1, 2, 3, 4, 5}), 0, 25, "zstd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Decompress([]byte("keep"), tt.msg, tt.maxSize)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decompress = %v, want *Error", err)
			}
			if e.Offset != tt.offset || !strings.Contains(e.Error(), tt.want) {
				t.Fatalf("error %q at %d, want %q at %d", e, e.Offset, tt.want, tt.offset)
			}
			if string(out) != "keep" {
				t.Fatalf("Decompress left %q in dst", out)
			}
		})
	}
}

func TestCompressErrors(t *testing.T) {
	msg := unhex(t, helloMsgHex)
	comp, _ := Compress(nil, msg, CompressorNoop, 0)
	tests := []struct {
		name  string
		msg   []byte
		id    CompressorID
		level int
		want  string
	}{
		{"already compressed", comp, CompressorZstd, 0, "OP_COMPRESSED cannot be compressed"},
		{"bad length", msg[:30], CompressorZstd, 0, "header says"},
		{"short", msg[:3], CompressorZstd, 0, "need 16 bytes"},
		{"unknown compressor", msg, 9, 0, "unknown compressor 9"},
		{"zlib level 10", msg, CompressorZlib, 10, "outside -1..9"},
		{"zlib level -2", msg, CompressorZlib, -2, "outside -1..9"},
	}
	for _, tt := range tests {
		if out, err := Compress([]byte("k"), tt.msg, tt.id, tt.level); err == nil || !strings.Contains(err.Error(), tt.want) || string(out) != "k" {
			t.Errorf("%s: Compress = %q, %v; want error %q and dst untouched", tt.name, out, err, tt.want)
		}
	}
}

func TestCanCompress(t *testing.T) {
	for _, name := range []string{"hello", "isMaster", "ismaster", "saslStart", "saslContinue", "getnonce",
		"authenticate", "createUser", "updateUser", "copydbSaslStart", "copydbgetnonce", "copydb", "HELLO"} {
		if CanCompress(name) {
			t.Errorf("CanCompress(%q) = true", name)
		}
	}
	for _, name := range []string{"find", "insert", "ping", "helloWorld", ""} {
		if !CanCompress(name) {
			t.Errorf("CanCompress(%q) = false", name)
		}
	}
	if CanCompressBody(unhex(t, helloDocHex)) || CanCompressBody(unhex(t, isMasterDocHex)) {
		t.Error("CanCompressBody allows a hello")
	}
	if !CanCompressBody(unhex(t, insertDocHex)) {
		t.Error("CanCompressBody refuses an insert")
	}
	if CanCompressBody([]byte{5, 0, 0, 0, 0}) || CanCompressBody([]byte{9, 0, 0, 0, 2, 'a', 'b'}) {
		t.Error("CanCompressBody accepts a body without a command name")
	}
}

func TestCompressorNames(t *testing.T) {
	for _, id := range []CompressorID{CompressorNoop, CompressorSnappy, CompressorZlib, CompressorZstd} {
		got, ok := ParseCompressor(id.String())
		if !ok || got != id {
			t.Errorf("ParseCompressor(%q) = %v, %v", id.String(), got, ok)
		}
	}
	if _, ok := ParseCompressor("lz4"); ok {
		t.Error("ParseCompressor accepted lz4")
	}
	if CompressorID(7).String() != "compressor(7)" || CompressorID(7).Known() {
		t.Error("unknown compressor id is not reported as such")
	}
}
