package wire

import (
	"bytes"
	"testing"
)

// TestSteadyStateAllocs guards the promise in doc.go: with reused buffers,
// framing, reading and parsing an OP_MSG allocate nothing, nor does a
// snappy or zlib round trip.
func TestSteadyStateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	msg := bigMsg(t, 1<<10)
	m, err := ParseMsg(msg)
	if err != nil {
		t.Fatal(err)
	}
	body := m.Body
	buf := make([]byte, 0, 4096)
	r := bytes.NewReader(nil)
	frame := func() {
		start, dst := StartMsg(buf[:0], 1, 0, ChecksumPresent)
		dst = AppendBody(dst, body)
		dst, err := FinishMsg(dst, start)
		if err != nil {
			t.Fatal(err)
		}
		r.Reset(dst)
		_, in, err := ReadMessage(r, buf[2048:2048], 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseMsg(in); err != nil {
			t.Fatal(err)
		}
	}
	if n := testing.AllocsPerRun(100, frame); n != 0 {
		t.Errorf("frame, read and parse an OP_MSG: %v allocs per run, want 0", n)
	}
	comp := make([]byte, 0, 8192)
	plain := make([]byte, 0, 4096)
	for _, id := range []CompressorID{CompressorSnappy, CompressorZlib} {
		roundTrip := func() {
			c, err := Compress(comp[:0], msg, id, ZlibBestSpeed)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Decompress(plain[:0], c, 0); err != nil {
				t.Fatal(err)
			}
		}
		roundTrip() // fill the pools
		if n := testing.AllocsPerRun(50, roundTrip); n != 0 {
			t.Errorf("%v round trip: %v allocs per run, want 0", id, n)
		}
	}
}
