package wire

import (
	"bytes"
	"testing"
)

// doc1K is a 1 KB BSON document: {s: "torque-torque-..."}.
func doc1K(b *testing.B) []byte {
	m, err := ParseMsg(bigMsg(b, 1<<10))
	if err != nil {
		b.Fatal(err)
	}
	return m.Body
}

// BenchmarkMsgRoundTrip frames a 1 KB command as an OP_MSG into a reused
// buffer and parses it back: the steady state must not allocate.
func BenchmarkMsgRoundTrip(b *testing.B) {
	for _, flags := range []MsgFlags{0, ChecksumPresent} {
		b.Run(flags.String(), func(b *testing.B) {
			body := doc1K(b)
			buf := make([]byte, 0, 2048)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				start, dst := StartMsg(buf[:0], int32(i), 0, flags)
				dst = AppendBody(dst, body)
				dst, err := FinishMsg(dst, start)
				if err != nil {
					b.Fatal(err)
				}
				m, err := ParseMsg(dst)
				if err != nil || len(m.Body) != len(body) {
					b.Fatal(err)
				}
				buf = dst
			}
		})
	}
}

// BenchmarkInsertSequence frames an insert of 100 documents of 1 KB in a
// kind-1 section and parses it back.
func BenchmarkInsertSequence(b *testing.B) {
	body := unhex(b, insertDocHex)
	doc := doc1K(b)
	var docs []byte
	for i := 0; i < 100; i++ {
		docs = append(docs, doc...)
	}
	m := &Msg{Body: body, Sequences: []Sequence{{Identifier: "documents", Docs: Documents(docs)}}}
	buf := make([]byte, 0, 128<<10)
	b.SetBytes(int64(len(docs)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dst, err := AppendMsg(buf[:0], 1, 0, m)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseMsg(dst); err != nil {
			b.Fatal(err)
		}
		buf = dst
	}
}

// BenchmarkReadMessage reads a framed 1 KB reply from a reader into a reused
// buffer and parses it.
func BenchmarkReadMessage(b *testing.B) {
	msg := bigMsg(b, 1<<10)
	r := bytes.NewReader(msg)
	buf := make([]byte, 0, 2048)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r.Reset(msg)
		_, m, err := ReadMessage(r, buf, 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseMsg(m); err != nil {
			b.Fatal(err)
		}
		buf = m[:0]
	}
}

// recordsMsg returns an OP_MSG of about n bytes whose body looks like a
// batch of user records: repeated field names, varying values (a plainly
// repetitive text would flatter some compressors and slow others down).
func recordsMsg(b *testing.B, n int) []byte {
	doc := []byte{0, 0, 0, 0}
	x := uint32(1)
	for i := 0; len(doc) < n-64; i++ {
		x = x*1664525 + 1013904223 // an LCG: deterministic, irregular values
		doc = append(doc, 0x02)
		doc = append(doc, "name"+itoa(i)+"\x00"...)
		val := "user-" + itoa(int(x%100000)) + "@example.com\x00"
		doc = appendInt32(doc, int32(len(val)))
		doc = append(doc, val...)
		doc = append(doc, 0x12)
		doc = append(doc, "age"+itoa(i)+"\x00"...)
		doc = appendInt64(doc, int64(x>>20))
	}
	doc = append(doc, 0)
	copy(doc, appendInt32(nil, int32(len(doc))))
	msg, err := AppendMsg(nil, 1, 0, &Msg{Body: doc})
	if err != nil {
		b.Fatal(err)
	}
	return msg
}

// BenchmarkCompression compresses an OP_MSG and decompresses it again with
// each compressor, into reused buffers.
func BenchmarkCompression(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10} {
		msg := recordsMsg(b, size)
		for _, id := range []CompressorID{CompressorNoop, CompressorSnappy, CompressorZlib, CompressorZstd} {
			b.Run(id.String()+"/"+sizeName(size), func(b *testing.B) {
				comp := make([]byte, 0, 2*len(msg)+1024)
				plain := make([]byte, 0, len(msg))
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					c, err := Compress(comp[:0], msg, id, ZlibDefaultLevel)
					if err != nil {
						b.Fatal(err)
					}
					p, err := Decompress(plain[:0], c, 0)
					if err != nil || len(p) != len(msg) {
						b.Fatal(err)
					}
					comp, plain = c, p
				}
				b.ReportMetric(float64(len(comp))/float64(len(msg)), "ratio")
			})
		}
	}
}

func sizeName(n int) string {
	if n >= 1<<10 {
		return itoa(n>>10) + "KB"
	}
	return itoa(n) + "B"
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}
