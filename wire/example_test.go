package wire_test

import (
	"bytes"
	"fmt"

	"github.com/torque-go/torque/wire"
)

// pingDoc is the BSON document {ping: int32(1), $db: "admin"}.
var pingDoc = []byte("\x1e\x00\x00\x00" + "\x10ping\x00\x01\x00\x00\x00" + "\x02$db\x00\x06\x00\x00\x00admin\x00" + "\x00")

// A request framed in place, written to a connection, read back and parsed.
func Example() {
	// Encode: reserve the header, append the body, fill in the length.
	buf := wire.GetBuffer()
	defer wire.PutBuffer(buf)
	start, dst := wire.StartMsg(*buf, 7, 0, 0)
	dst = wire.AppendBody(dst, pingDoc)
	dst, err := wire.FinishMsg(dst, start)
	if err != nil {
		panic(err)
	}
	*buf = dst

	// "Send" it and read it back as the server would.
	var conn bytes.Buffer
	conn.Write(dst)
	h, msg, err := wire.ReadMessage(&conn, nil, wire.DefaultMaxMessageSize)
	if err != nil {
		panic(err)
	}
	m, err := wire.ParseMsg(msg)
	if err != nil {
		panic(err)
	}
	fmt.Println(h.OpCode, "length", h.Length, "request", h.RequestID)
	fmt.Println("body is", len(m.Body), "bytes; may compress:", wire.CanCompressBody(m.Body))
	// Output:
	// OP_MSG length 51 request 7
	// body is 30 bytes; may compress: true
}

// An insert whose documents travel in a kind-1 section, compressed with
// zstd and unwrapped again.
func ExampleStartSequence() {
	insert := []byte("\x1f\x00\x00\x00\x02insert\x00\x02\x00\x00\x00c\x00\x02$db\x00\x03\x00\x00\x00db\x00\x00")
	doc := []byte("\x0e\x00\x00\x00\x10_id\x00\x01\x00\x00\x00\x00")

	start, dst := wire.StartMsg(nil, 1, 0, 0)
	dst = wire.AppendBody(dst, insert)
	seq, dst := wire.StartSequence(dst, "documents")
	dst = append(dst, doc...) // a driver appends each marshalled document here
	dst = append(dst, doc...)
	dst, err := wire.EndSequence(dst, seq)
	if err != nil {
		panic(err)
	}
	msg, err := wire.FinishMsg(dst, start)
	if err != nil {
		panic(err)
	}

	packed, err := wire.Compress(nil, msg, wire.CompressorZstd, wire.ZlibDefaultLevel)
	if err != nil {
		panic(err)
	}
	plain, err := wire.Decompress(nil, packed, 0)
	if err != nil {
		panic(err)
	}
	m, err := wire.ParseMsg(plain)
	if err != nil {
		panic(err)
	}
	s, _ := m.Sequence("documents")
	fmt.Println(len(msg), "bytes, identical after the round trip:", bytes.Equal(plain, msg))
	fmt.Println(s.Identifier, s.Docs.Count())
	// Output:
	// 95 bytes, identical after the round trip: true
	// documents 2
}
