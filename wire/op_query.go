package wire

import "encoding/binary"

// QueryFlags is the OP_QUERY flags field.
type QueryFlags uint32

// OP_QUERY flags. A driver sets at most SecondaryOK on its first hello.
const (
	TailableCursor  QueryFlags = 1 << 1
	SecondaryOK     QueryFlags = 1 << 2 // formerly slaveOk
	OplogReplay     QueryFlags = 1 << 3
	NoCursorTimeout QueryFlags = 1 << 4
	AwaitData       QueryFlags = 1 << 5
	Exhaust         QueryFlags = 1 << 6
	Partial         QueryFlags = 1 << 7
)

// Query is an OP_QUERY without its header. torque sends one only as the
// first hello to a server of unknown version: FullCollectionName
// "admin.$cmd", NumberToSkip 0, NumberToReturn -1, the hello in Query.
type Query struct {
	Flags                QueryFlags
	FullCollectionName   string // "db.collection"; "admin.$cmd" for commands
	NumberToSkip         int32
	NumberToReturn       int32
	Query                []byte // the command document
	ReturnFieldsSelector []byte // optional projection document; nil when absent
}

// AppendQuery appends the whole OP_QUERY q to dst (responseTo is 0).
func AppendQuery(dst []byte, requestID int32, q *Query) ([]byte, error) {
	for i := 0; i < len(q.FullCollectionName); i++ {
		if q.FullCollectionName[i] == 0 {
			return dst, errorf(OpQuery, HeaderLen+4+i, "fullCollectionName", "name contains a NUL byte")
		}
	}
	if err := checkWholeDocument(OpQuery, q.Query, "query"); err != nil {
		return dst, err
	}
	if q.ReturnFieldsSelector != nil {
		if err := checkWholeDocument(OpQuery, q.ReturnFieldsSelector, "returnFieldsSelector"); err != nil {
			return dst, err
		}
	}
	start, dst := StartMessage(dst, requestID, 0, OpQuery)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(q.Flags))
	dst = append(dst, q.FullCollectionName...)
	dst = append(dst, 0)
	dst = appendInt32(dst, q.NumberToSkip)
	dst = appendInt32(dst, q.NumberToReturn)
	dst = append(dst, q.Query...)
	dst = append(dst, q.ReturnFieldsSelector...)
	return FinishMessage(dst, start)
}

// ParseQuery parses a whole OP_QUERY (header included); the mock server uses
// it to read a driver's first hello. Query and ReturnFieldsSelector alias
// msg.
func ParseQuery(msg []byte) (Query, error) {
	if err := checkFrame(msg, OpQuery); err != nil {
		return Query{}, err
	}
	var q Query
	off := HeaderLen
	if len(msg) < off+4 {
		return Query{}, errorf(OpQuery, off, "flags", "message ends before its flags")
	}
	q.Flags = QueryFlags(binary.LittleEndian.Uint32(msg[off:]))
	off += 4
	nameEnd := off
	for nameEnd < len(msg) && msg[nameEnd] != 0 {
		nameEnd++
	}
	if nameEnd == len(msg) {
		return Query{}, errorf(OpQuery, off, "fullCollectionName", "not NUL-terminated")
	}
	q.FullCollectionName = string(msg[off:nameEnd])
	off = nameEnd + 1
	if len(msg) < off+8 {
		return Query{}, errorf(OpQuery, off, "numberToSkip", "message ends before numberToSkip and numberToReturn")
	}
	q.NumberToSkip = readInt32(msg[off:])
	q.NumberToReturn = readInt32(msg[off+4:])
	off += 8
	n, err := checkDocument(OpQuery, msg, off, len(msg), "query")
	if err != nil {
		return Query{}, err
	}
	q.Query = msg[off : off+n : off+n]
	off += n
	if off < len(msg) {
		n, err := checkDocument(OpQuery, msg, off, len(msg), "returnFieldsSelector")
		if err != nil {
			return Query{}, err
		}
		if off+n != len(msg) {
			return Query{}, errorf(OpQuery, off+n, "returnFieldsSelector", "%d bytes of trailing garbage", len(msg)-off-n)
		}
		q.ReturnFieldsSelector = msg[off:len(msg):len(msg)]
	}
	return q, nil
}

// checkFrame checks a whole message's header: enough bytes, the opcode want,
// a length equal to len(msg).
func checkFrame(msg []byte, want OpCode) error {
	h, err := ParseHeader(msg)
	if err != nil {
		return err
	}
	if h.OpCode != want {
		return errorf(h.OpCode, 12, "opCode", "not an %s", want)
	}
	if int64(h.Length) != int64(len(msg)) {
		return errorf(want, 0, "messageLength", "header says %d bytes, message has %d", h.Length, len(msg))
	}
	return nil
}
