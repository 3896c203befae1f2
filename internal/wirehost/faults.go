package wirehost

import (
	"encoding/binary"
	"slices"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// Action is what a connection does with a request besides (or instead of)
// answering it.
type Action int

// The actions. "Apply" means the command's handler runs (an insert is
// stored); a close then leaves the client not knowing whether it did.
const (
	Answer               Action = iota // answer normally
	CloseBeforeRead                    // close once the next message's header arrives, before reading the rest (fail points without Commands only)
	CloseAfterRead                     // read and record the request, close without applying it
	CloseAfterApply                    // apply the request, close without answering
	Hang                               // read the request, answer nothing until the client or the server closes
	WriteRaw                           // apply, then send Reply.Raw / FailPoint.Raw verbatim
	ReplyGarbage                       // apply, then send bytes that are no message at all
	ReplyTruncated                     // apply, then send half a reply and close
	ReplyBadBSON                       // apply, then send a well-framed OP_MSG whose body is not valid BSON
	ReplyWrongResponseTo               // apply, then answer with a responseTo of another request
)

var actionNames = [...]string{"answer", "closeBeforeRead", "closeAfterRead", "closeAfterApply", "hang",
	"writeRaw", "replyGarbage", "replyTruncated", "replyBadBSON", "replyWrongResponseTo"}

// String names the action.
func (a Action) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "action(?)"
}

// FailPoint makes matching requests fail, like the server's failCommand
// fail point. Set Code for an error reply, WriteConcernError for an
// applied write whose write concern failed, or Action for a network fault;
// Delay comes first in every case.
type FailPoint struct {
	// Commands are the command names matched. None matches every command
	// but hello (name "hello" or "isMaster" to fail those), or, with
	// CloseBeforeRead, every message.
	Commands []string
	// Times is how many matching requests fail; 0 means all of them until
	// the fail point is cleared.
	Times int
	// AppName, when set, matches only connections whose hello sent this
	// client.application.name.
	AppName string

	Code     int32  // the error code of an {ok: 0} reply
	CodeName string // its codeName
	ErrMsg   string // its errmsg (default "failpoint")
	Labels   []string

	// WriteConcernError applies the command and adds writeConcernError
	// {Code, CodeName, ErrMsg} to its reply (Labels at the top level).
	WriteConcernError bool

	Action Action
	Delay  time.Duration
	Raw    []byte // for WriteRaw

	used int // matching requests so far; guarded by Server.mu
}

// matches reports whether fp applies to a request named name on a
// connection whose appName is app. name "" is "before reading": only
// fail points without Commands match it.
func (fp *FailPoint) matches(name, app string) bool {
	if fp.Times > 0 && fp.used >= fp.Times {
		return false
	}
	if fp.AppName != "" && fp.AppName != app {
		return false
	}
	if name == "" {
		return len(fp.Commands) == 0 && fp.Action == CloseBeforeRead
	}
	if fp.Action == CloseBeforeRead {
		return false
	}
	if len(fp.Commands) == 0 {
		return !isHello(name) // monitors' hellos would use it up
	}
	return slices.Contains(fp.Commands, name)
}

// reply turns a triggered fail point into what the connection does. apply
// runs the command's handler.
func (fp *FailPoint) reply(apply func() Reply) Reply {
	r := Reply{Action: fp.Action, Delay: fp.Delay, Raw: fp.Raw}
	msg, codeName := fp.ErrMsg, fp.CodeName
	if msg == "" {
		msg = "failpoint"
	}
	if codeName == "" {
		codeName = codeNames[fp.Code]
	}
	switch {
	case fp.Action == CloseAfterRead || fp.Action == Hang || fp.Action == CloseBeforeRead:
		return r
	case fp.WriteConcernError:
		applied := apply()
		fields := []bson.E{bson.KV("writeConcernError", wceDoc(fp.Code, codeName, msg))}
		if len(fp.Labels) > 0 {
			fields = append(fields, bson.KV("errorLabels", fp.Labels))
		}
		r.Doc = withFields(applied.Doc, fields...)
	case fp.Code != 0:
		r.Doc = errorDoc(fp.Code, codeName, msg, fp.Labels)
	default:
		r.Doc = apply().Doc
	}
	return r
}

// brokenReply is the bytes sent for the malformed-reply actions; it
// reports whether the connection must close after them.
func brokenReply(a Action, requestID int32, doc bson.Raw) (out []byte, closeAfter bool) {
	good, err := wire.AppendMsg(nil, wire.NextRequestID(), requestID, &wire.Msg{Body: doc})
	if err != nil {
		return []byte("not a message"), true
	}
	switch a {
	case ReplyGarbage:
		// A header whose length is negative, then noise.
		return []byte{0xff, 0xff, 0xff, 0xff, 'g', 'a', 'r', 'b', 'a', 'g', 'e', '!', 0xde, 0xad, 0xbe, 0xef, 1, 2, 3}, false
	case ReplyTruncated:
		return good[:len(good)/2], true
	case ReplyBadBSON:
		// The body's first element gets type 0x55, which BSON does not have.
		bad := slices.Clone(good)
		bad[wire.HeaderLen+4+1+4] = 0x55
		return bad, false
	case ReplyWrongResponseTo:
		binary.LittleEndian.PutUint32(good[8:], uint32(requestID+1000))
		return good, false
	}
	return good, false
}

// codeNames are the names of the codes tests use most, for fail points
// that give a code alone (as configureFailPoint's errorCode does).
var codeNames = map[int32]string{
	6: "HostUnreachable", 7: "HostNotFound", 24: "LockTimeout", 50: "MaxTimeMSExpired",
	64: "WriteConcernFailed", 89: "NetworkTimeout", 91: "ShutdownInProgress",
	112: "WriteConflict", 189: "PrimarySteppedDown", 251: "NoSuchTransaction",
	262: "ExceededTimeLimit", 9001: "SocketException", 10107: "NotWritablePrimary",
	11000: "DuplicateKey", 11600: "InterruptedAtShutdown", 11602: "InterruptedDueToReplStateChange",
	13435: "NotPrimaryNoSecondaryOk", 13436: "NotPrimaryOrSecondary",
}
