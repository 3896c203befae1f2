// Package wire frames MongoDB wire-protocol messages: OP_MSG (both
// directions, with document sequences and CRC-32C checksums), OP_COMPRESSED
// (snappy, zlib, zstd), and the legacy OP_QUERY/OP_REPLY that a driver uses
// only for its first hello to a server of unknown version.
//
// It knows nothing of BSON beyond a document's framing (an int32 length and a
// trailing 0x00): documents go in and come out as []byte, which package bson
// reads as bson.Raw. It imports only the standard library.
//
// # Compressors by registration
//
// zlib (compress/flate and compress/zlib of the standard library) and noop
// are built in. snappy and zstd are registered, the way image formats
// register with package image: packages compress/snappy and compress/zstd
// of this module call RegisterCompressor from their init, so a program
// links klauspost/compress only when it imports one of them:
//
//	import _ "github.com/torque-go/torque/compress/zstd"
//
// CompressorID.Registered says which are usable; Compress and Decompress
// refuse an unregistered one with an error that names the package to
// import, and package pool neither offers nor accepts it in the handshake
// (compression is a negotiation: the connection goes on uncompressed).
// Their codecs live in internal/codec/snappy and internal/codec/zstd,
// which do not import wire, so that wire's own tests register them too
// (codecs_test.go).
//
// # Messages
//
// Every function works on a whole message, header included, in a []byte.
// Encoders append to a caller's buffer; parsers return structs whose slices
// alias the parsed bytes (nothing is copied).
//
//	OP_MSG         Msg{Flags, Body, Sequences []Sequence{Identifier, Docs}, Checksum}
//	               AppendMsg(dst, requestID, responseTo, *Msg) ([]byte, error)
//	               ParseMsg(msg) (Msg, error)
//	  in place:    StartMsg(dst, requestID, responseTo, flags) (start, dst)
//	               AppendBody(dst, doc) | StartBody(dst) + a document appended in place
//	               StartSequence(dst, identifier) (seq, dst); append documents; EndSequence(dst, seq)
//	               FinishMsg(dst, start)   // appends the CRC-32C if asked, fills the length
//	  flags:       ChecksumPresent, MoreToCome, ExhaustAllowed
//	OP_COMPRESSED  Compress(dst, msg, CompressorID, zlibLevel) / Decompress(dst, msg, maxSize)
//	               ParseCompressed / AppendCompressed (the raw fields, no (de)compression)
//	               CompressorNoop/Snappy/Zlib/Zstd, ParseCompressor(name), CanCompress(cmdName),
//	               CanCompressBody(body)
//	OP_QUERY       Query{...}; AppendQuery(dst, requestID, *Query); ParseQuery(msg)
//	OP_REPLY       Reply{...}; ParseReply(msg); AppendReply(dst, requestID, responseTo, *Reply)
//	header         Header{Length, RequestID, ResponseTo, OpCode}; ParseHeader, AppendHeader,
//	               Header.Validate(maxSize), StartMessage/FinishMessage, NextRequestID,
//	               CheckResponseTo(h, requestID)
//	reading        ReadMessage(r, buf, maxSize) (Header, msg, error); GetBuffer/PutBuffer
//	documents      Documents (documents end to end): Next, All, Count; AppendDocuments
//
// A request, end to end:
//
//	buf := wire.GetBuffer()
//	start, dst := wire.StartMsg(*buf, wire.NextRequestID(), 0, 0)
//	dst = wire.StartBody(dst)
//	dst = appendCommand(dst)            // e.g. bson.AppendDocumentStart ... End
//	seq, dst := wire.StartSequence(dst, "documents")
//	dst = appendDocs(dst)               // marshalled straight into the buffer
//	dst, err := wire.EndSequence(dst, seq)
//	dst, err = wire.FinishMsg(dst, start)
//	if compressing && wire.CanCompressBody(body) {
//		out, err = wire.Compress(other[:0], dst[start:], id, zlibLevel)
//	}
//	conn.Write(...)
//
// and the reply:
//
//	h, msg, err := wire.ReadMessage(conn, *buf, maxMessageSizeBytes)
//	*buf = msg[:0]                      // keep the (possibly grown) buffer
//	err = wire.CheckResponseTo(h, requestID)
//	if h.OpCode == wire.OpCompressed {
//		msg, err = wire.Decompress(other[:0], msg, maxMessageSizeBytes)
//	}
//	reply, err := wire.ParseMsg(msg)    // reply.Body is a bson.Raw
//
// # Validation
//
// Nothing from the network can make this package panic or allocate without
// bound. ReadMessage validates the header (16 <= length <= maxSize, default
// DefaultMaxMessageSize = 48,000,000; a known opcode) before it reads or
// allocates, and grows a too-small buffer only as bytes arrive. ParseMsg
// checks every length: each document's int32 within its section, each
// section's size exactly, exactly one body, unique identifiers, no unknown
// required flag bits (0-15), no trailing bytes, and the checksum when
// present. Decompress checks uncompressedSize against maxSize (never more
// than an int32 header can say) before it decompresses and requires the data to decompress to exactly that size.
// Every such failure is an *Error naming the field and its byte offset from
// the start of the message; I/O errors come back wrapped (errors.Is/As work).
// After any error the connection is out of step and must be closed.
// Document contents are not validated here; bson.Raw.Validate does that.
//
// # Buffers and lifetimes
//
// The caller owns every buffer. Parsed values (Msg.Body, Sequence.Docs,
// Reply.Documents, Query.Query, Compressed.Data) alias the message they were
// parsed from, with their capacity capped so that appending to one cannot
// overwrite its neighbour; they are valid until that buffer is reused or
// returned to the pool. A reply that must outlive the next read on its
// connection must be copied (bytes.Clone) first. GetBuffer/PutBuffer keep a
// sync.Pool of *[]byte (16 KiB to start; buffers grown beyond 16 MiB are
// dropped rather than pooled). Encoders never keep a reference to dst.
// With reused buffers, framing and parsing an OP_MSG allocates nothing.
//
// # Concurrency
//
// Every function is safe for concurrent use; none keeps state between calls
// except the compressors' pools: one shared zstd encoder and decoder (their
// EncodeAll/DecodeAll are concurrency-safe), a sync.Pool of zlib writers per
// level and one of zlib readers. NextRequestID is an atomic counter. Message
// values and buffers themselves are not synchronised: one goroutine at a time.
//
// # Files
//
//	doc.go               this overview
//	opcode.go            OpCode and its names
//	header.go            Header, start/finish of a message, request ids, responseTo check
//	errors.go            Error: what is wrong, in which field, at which byte
//	documents.go         Documents: documents end to end, and framing checks
//	op_msg.go            OP_MSG: flags, sections, encode (whole or in place), parse
//	checksum.go          CRC-32C (Castagnoli) via hash/crc32
//	op_compressed.go     OP_COMPRESSED: Compress, Decompress, raw fields
//	compressor.go        CompressorID, names, zlib levels, which commands may be compressed
//	compressor_registry.go Codec, RegisterCompressor, Registered: snappy and zstd by registration
//	compressor_zlib.go   zlib (standard library) with pooled writers and flate readers
//	op_query.go          OP_QUERY (the first hello only)
//	op_reply.go          OP_REPLY (its answer)
//	read.go              ReadMessage and the buffer pool
//
// Tests: golden_test.go holds hand-built hex fixtures of every message kind
// (they also seed FuzzReadMessage and FuzzParseMsg in fuzz_test.go);
// allocs_test.go holds the zero-allocation promise; codecs_test.go
// registers snappy and zstd for the tests; compressor_registry_test.go
// checks an unregistered compressor; compressor_zlib_test.go the zlib frame; bench_test.go measures
// framing, reading and each compressor.
package wire
