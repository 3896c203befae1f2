package wire

import "encoding/binary"

// ReplyFlags is the OP_REPLY responseFlags field.
type ReplyFlags uint32

// OP_REPLY response flags.
const (
	CursorNotFound   ReplyFlags = 1 << 0
	QueryFailure     ReplyFlags = 1 << 1 // the single document is {$err: ...}
	ShardConfigStale ReplyFlags = 1 << 2
	AwaitCapable     ReplyFlags = 1 << 3
)

// replyHeadLen is responseFlags, cursorID, startingFrom, numberReturned.
const replyHeadLen = 4 + 8 + 4 + 4

// Reply is an OP_REPLY without its header: the answer to an OP_QUERY, here
// only to the first hello.
type Reply struct {
	Flags          ReplyFlags
	CursorID       int64
	StartingFrom   int32
	NumberReturned int32
	Documents      Documents // NumberReturned documents, aliasing the message
}

// ParseReply parses a whole OP_REPLY (header included): the documents must
// fill the message exactly and number NumberReturned.
func ParseReply(msg []byte) (Reply, error) {
	if err := checkFrame(msg, OpReply); err != nil {
		return Reply{}, err
	}
	if len(msg) < HeaderLen+replyHeadLen {
		return Reply{}, errorf(OpReply, len(msg), "numberReturned", "message ends %d bytes into its %d-byte fixed part", len(msg)-HeaderLen, replyHeadLen)
	}
	r := Reply{
		Flags:          ReplyFlags(binary.LittleEndian.Uint32(msg[16:])),
		CursorID:       readInt64(msg[20:]),
		StartingFrom:   readInt32(msg[28:]),
		NumberReturned: readInt32(msg[32:]),
	}
	off := HeaderLen + replyHeadLen
	count, err := checkDocuments(OpReply, msg, off, len(msg), "documents")
	if err != nil {
		return Reply{}, err
	}
	if int64(count) != int64(r.NumberReturned) {
		return Reply{}, errorf(OpReply, 32, "numberReturned", "says %d documents, message holds %d", r.NumberReturned, count)
	}
	r.Documents = Documents(msg[off:len(msg):len(msg)])
	return r, nil
}

// AppendReply appends the whole OP_REPLY r to dst; the mock server answers
// a legacy hello with it. It checks that r.Documents holds NumberReturned
// well-framed documents.
func AppendReply(dst []byte, requestID, responseTo int32, r *Reply) ([]byte, error) {
	count, err := checkDocuments(OpReply, r.Documents, 0, len(r.Documents), "documents")
	if err != nil {
		return dst, err
	}
	if int64(count) != int64(r.NumberReturned) {
		return dst, errorf(OpReply, 32, "numberReturned", "says %d documents, Documents holds %d", r.NumberReturned, count)
	}
	start, dst := StartMessage(dst, requestID, responseTo, OpReply)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(r.Flags))
	dst = appendInt64(dst, r.CursorID)
	dst = appendInt32(dst, r.StartingFrom)
	dst = appendInt32(dst, r.NumberReturned)
	dst = append(dst, r.Documents...)
	return FinishMessage(dst, start)
}
