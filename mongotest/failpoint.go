package mongotest

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
)

// FailPoint is a failCommand fail point, as the configureFailPoint command
// sets it: {configureFailPoint: "failCommand", mode, data}.
type FailPoint struct {
	// Name is "failCommand" (the default), "failGetMoreAfterCursorCheckout"
	// (failCommand on getMore) or "onPrimaryTransactionalWrite": the
	// latter fires on retryable writes only, after applying the write
	// (CloseConnection) or instead of it (ErrorCode, from
	// failBeforeCommitExceptionCode).
	Name string
	// Mode: Times > 0 fires that many times, then turns off; Skip lets
	// that many matching commands through first; Probability (0 < p < 1)
	// fires each time with that chance (activationProbability); all zero
	// is alwaysOn. Off clears the member's fail points.
	Times       int
	Skip        int
	Probability float64
	Off         bool

	// Commands are the command names it fails (failCommands).
	Commands []string
	// AppName and Namespace ("db.coll") restrict it to one client
	// application and one collection.
	AppName   string
	Namespace string

	// ErrorCode answers {ok: 0} with that code. ErrorLabels are its
	// labels: nil gives MongoDB's own (RetryableWriteError on a retryable
	// write), empty none.
	ErrorCode   int32
	ErrorLabels []string
	// CloseConnection closes the connection instead of answering.
	CloseConnection bool
	// BlockTime delays the answer (blockConnection).
	BlockTime time.Duration
	// WriteConcernError runs the command and adds this writeConcernError
	// document ({code, codeName, errmsg, errInfo}) to its reply.
	WriteConcernError bson.D

	// Then, when set (from Go only), runs when the fail point has fired,
	// after the command was applied if it is, before the answer or the
	// closed connection reaches the client: a failover at the worst
	// moment, say (rs.StepDown, rs.Elect).
	Then func()
}

// failPoints are one member's armed fail points, by name (MongoDB has
// one of each per process). Safe for concurrent use.
type failPoints struct {
	mu  sync.Mutex
	fps []*FailPoint
}

// set arms fp, replacing the one of its name; Off clears it.
func (f *failPoints) set(fp FailPoint) {
	if fp.Name == "" {
		fp.Name = "failCommand"
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fps = slices.DeleteFunc(f.fps, func(x *FailPoint) bool { return x.Name == fp.Name })
	if !fp.Off {
		f.fps = append(f.fps, &fp)
	}
}

// take returns the failCommand fail point that fires on req, if any,
// and counts it.
func (f *failPoints) take(req *wirehost.Request, app string) *FailPoint {
	if fp := f.takeNamed("failCommand", req, app); fp != nil {
		return fp
	}
	return f.takeNamed("failGetMoreAfterCursorCheckout", req, app)
}

// takeWrite returns the onPrimaryTransactionalWrite fail point that fires
// on a retryable write about to be applied (never on a retry of one
// already applied), and counts it.
func (f *failPoints) takeWrite(req *wirehost.Request) *FailPoint {
	return f.takeNamed("onPrimaryTransactionalWrite", req, "")
}

func (f *failPoints) takeNamed(name string, req *wirehost.Request, app string) *FailPoint {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, fp := range f.fps {
		if fp.Name != name {
			continue
		}
		if name != "onPrimaryTransactionalWrite" && (!slices.Contains(fp.Commands, req.Name) || fp.AppName != "" && fp.AppName != app) {
			continue
		}
		if fp.Namespace != "" && fp.Namespace != commandNS(req) {
			continue
		}
		if fp.Skip > 0 {
			fp.Skip--
			continue
		}
		if fp.Probability > 0 && rand.Float64() >= fp.Probability {
			continue
		}
		if fp.Times > 0 {
			fp.Times--
			if fp.Times == 0 {
				f.fps = slices.Delete(f.fps, i, i+1)
			}
		}
		c := *fp
		return &c
	}
	return nil
}

// commandNS is the namespace a command names: its db and, when its first
// value is a string, that collection.
func commandNS(req *wirehost.Request) string {
	if el, err := req.Command.Index(0); err == nil {
		if coll, ok := el.Value().StringValue(); ok {
			return req.DB + "." + coll
		}
	}
	return req.DB
}

// configure runs configureFailPoint: only failCommand.
func (f *failPoints) configure(req *wirehost.Request) wirehost.Reply {
	if req.DB != "admin" {
		return errorReply(cmdErrorf(13, "Unauthorized", "configureFailPoint may only be run against the admin database."))
	}
	name, _ := req.Lookup("configureFailPoint").StringValue()
	switch name {
	case "failCommand", "onPrimaryTransactionalWrite", "failGetMoreAfterCursorCheckout":
	default:
		return errorReply(unsupported("the fail point " + name +
			" (only failCommand, onPrimaryTransactionalWrite and failGetMoreAfterCursorCheckout)"))
	}
	fp, err := parseFailPoint(req.Command)
	if err != nil {
		return errorReply(err)
	}
	fp.Name = name
	if name == "failGetMoreAfterCursorCheckout" {
		fp.Commands = []string{"getMore"}
	}
	if name == "onPrimaryTransactionalWrite" {
		// Its closeConnection defaults to true.
		data, _ := req.Lookup("data").Document()
		if v, ok := data.Lookup("closeConnection").Boolean(); !ok || v {
			fp.CloseConnection = true
		}
	}
	f.set(fp)
	return wirehost.OK(bson.KV("count", int32(0)))
}

// parseFailPoint reads mode and data of a configureFailPoint command.
func parseFailPoint(cmd bson.Raw) (FailPoint, error) {
	var fp FailPoint
	mode := cmd.Lookup("mode")
	if s, ok := mode.StringValue(); ok {
		switch s {
		case "off":
			fp.Off = true
		case "alwaysOn":
		default:
			return fp, badValue("unknown fail point mode %q", s)
		}
	} else if d, ok := mode.Document(); ok {
		times, hasTimes := d.Lookup("times").AsInt64()
		skip, hasSkip := d.Lookup("skip").AsInt64()
		p, hasP := d.Lookup("activationProbability").AsFloat64()
		switch {
		case hasTimes && times > 0:
			fp.Times = int(times)
		case hasTimes:
			fp.Off = true
		case hasSkip:
			fp.Skip = int(skip)
		case hasP && p > 0 && p <= 1:
			fp.Probability = p
		default:
			return fp, badValue("fail point mode %s: want times, skip or activationProbability", d)
		}
	} else {
		return fp, badValue("fail point mode must be a string or a document")
	}
	data, _ := cmd.Lookup("data").Document()
	cmds, _ := data.Lookup("failCommands").Array()
	for _, v := range cmds.All() {
		if s, ok := v.StringValue(); ok {
			fp.Commands = append(fp.Commands, s)
		}
	}
	if code, ok := data.Lookup("errorCode").AsInt64(); ok {
		fp.ErrorCode = int32(code)
	}
	if code, ok := data.Lookup("failBeforeCommitExceptionCode").AsInt64(); ok {
		fp.ErrorCode = int32(code)
	}
	if labels, ok := data.Lookup("errorLabels").Array(); ok {
		fp.ErrorLabels = []string{}
		for _, v := range labels.All() {
			if s, ok := v.StringValue(); ok {
				fp.ErrorLabels = append(fp.ErrorLabels, s)
			}
		}
	}
	fp.CloseConnection, _ = data.Lookup("closeConnection").Boolean()
	if block, _ := data.Lookup("blockConnection").Boolean(); block {
		ms, _ := data.Lookup("blockTimeMS").AsInt64()
		fp.BlockTime = time.Duration(ms) * time.Millisecond
	}
	if wce, ok := data.Lookup("writeConcernError").Document(); ok {
		if err := bson.Unmarshal(wce, &fp.WriteConcernError); err != nil {
			return fp, badValue("writeConcernError: %v", err)
		}
	}
	fp.AppName, _ = data.Lookup("appName").StringValue()
	fp.Namespace, _ = data.Lookup("namespace").StringValue()
	return fp, nil
}

// reply is what a fired fail point makes of req; apply runs the command.
// Then runs before the reply leaves.
func (fp *FailPoint) reply(m *member, req *wirehost.Request, apply func() wirehost.Reply) wirehost.Reply {
	r := fp.answer(m, req, apply)
	if fp.Then != nil {
		fp.Then()
	}
	return r
}

func (fp *FailPoint) answer(m *member, req *wirehost.Request, apply func() wirehost.Reply) wirehost.Reply {
	if fp.Name == "onPrimaryTransactionalWrite" && fp.ErrorCode == 0 {
		r := apply() // written; the connection closes before the answer
		if fp.CloseConnection {
			r = wirehost.Reply{Action: wirehost.CloseAfterRead}
		}
		return r
	}
	if fp.Name == "onPrimaryTransactionalWrite" && fp.CloseConnection {
		return wirehost.Reply{Action: wirehost.CloseAfterRead} // failed before commit: not written
	}
	if fp.CloseConnection {
		return wirehost.Reply{Action: wirehost.CloseAfterRead}
	}
	var r wirehost.Reply
	switch {
	case fp.ErrorCode != 0:
		labels := fp.ErrorLabels
		switch {
		case labels != nil:
		case inTransaction(req) && transientCode(fp.ErrorCode, isCommitOrAbort(req)):
			labels = []string{"TransientTransactionError"}
		case retryableCode[fp.ErrorCode] && retryableCommand(req):
			labels = []string{"RetryableWriteError"}
		case fp.Name == "failGetMoreAfterCursorCheckout" && resumableCode[fp.ErrorCode]:
			// The error reaches the getMore of a change stream, which
			// labels it so (failCommand fires before: no label).
			labels = []string{"ResumableChangeStreamError"}
		}
		r = wirehost.Error(fp.ErrorCode, codeName(fp.ErrorCode), "Failing command via 'failCommand' failpoint", labels...)
		if m.failTopologyVersion(fp.ErrorCode) {
			r = m.withTopologyVersion(r)
		}
	case fp.WriteConcernError != nil:
		r = apply()
		r.Doc = appendField(r.Doc, bson.KV("writeConcernError", fp.WriteConcernError))
		labels := fp.ErrorLabels
		code, _ := lookup(fp.WriteConcernError, "code").(int32)
		if labels == nil && retryableCode[code] && retryableCommand(req) {
			labels = []string{"RetryableWriteError"}
		}
		if len(labels) > 0 {
			r.Doc = appendField(r.Doc, bson.KV("errorLabels", labels))
		}
		if m.failTopologyVersion(code) {
			r = m.withTopologyVersion(r)
		}
	default:
		r = apply()
	}
	r.Delay = fp.BlockTime
	return r
}

// retryableCommand reports whether req is a retryable write (a txnNumber
// outside a transaction) or ends a transaction: the commands MongoDB
// labels RetryableWriteError.
func retryableCommand(req *wirehost.Request) bool {
	if req.Name == "commitTransaction" || req.Name == "abortTransaction" {
		return true
	}
	return !req.Lookup("txnNumber").IsZero() && req.Lookup("autocommit").IsZero()
}

// inTransaction reports whether req belongs to a transaction.
func inTransaction(req *wirehost.Request) bool {
	return !req.Lookup("autocommit").IsZero() || isCommitOrAbort(req)
}

func isCommitOrAbort(req *wirehost.Request) bool {
	return req.Name == "commitTransaction" || req.Name == "abortTransaction"
}

// transientCode reports whether MongoDB labels an error of a transaction
// with this code TransientTransactionError: write conflicts, lock and
// snapshot errors, NoSuchTransaction, and on other commands than commit
// and abort the retryable errors too.
func transientCode(code int32, commitOrAbort bool) bool {
	switch code {
	case 112, 24, 267, 246, 239, 251:
		return true
	}
	return !commitOrAbort && retryableCode[code]
}

// retryableCode are the codes of the retryable writes specification.
var retryableCode = map[int32]bool{
	6: true, 7: true, 89: true, 91: true, 189: true, 262: true, 9001: true, 10107: true,
	11600: true, 11602: true, 13435: true, 13436: true,
}

// resumableCode are the codes a change stream's getMore labels
// ResumableChangeStreamError.
var resumableCode = map[int32]bool{
	6: true, 7: true, 43: true, 63: true, 89: true, 91: true, 133: true, 150: true, 189: true, 234: true,
	262: true, 9001: true, 10107: true, 11600: true, 11602: true, 13388: true, 13435: true, 13436: true,
}

// stateChangeCode are the "not primary" and "node is recovering" codes,
// whose replies carry topologyVersion.
var stateChangeCode = map[int32]bool{
	91: true, 189: true, 10107: true, 11600: true, 11602: true, 13435: true, 13436: true, 10058: true,
}

// failTopologyVersion reports whether mongod adds its topologyVersion to
// an error of this code: a "not primary" error on a replica-set member
// (a shutdown error only in quiesce mode, which mongotest has not).
func (m *member) failTopologyVersion(code int32) bool {
	return stateChangeCode[code] && !shutdownCode[code] && m.host.Load().Hello().Role != wirehost.Standalone
}

// shutdownCode are MongoDB's ShutdownError category.
var shutdownCode = map[int32]bool{91: true, 11600: true}

// codeNames are the names of the codes fail points use.
var codeNames = map[int32]string{
	1: "InternalError", 2: "BadValue", 6: "HostUnreachable", 7: "HostNotFound", 8: "UnknownError",
	11: "UserNotFound", 13: "Unauthorized", 18: "AuthenticationFailed", 20: "IllegalOperation",
	24: "LockTimeout", 26: "NamespaceNotFound", 43: "CursorNotFound", 50: "MaxTimeMSExpired",
	59: "CommandNotFound", 63: "StaleShardVersion", 64: "WriteConcernFailed", 89: "NetworkTimeout",
	91: "ShutdownInProgress", 100: "UnsatisfiableWriteConcern", 112: "WriteConflict",
	133: "FailedToSatisfyReadPreference", 150: "StaleEpoch", 189: "PrimarySteppedDown",
	234: "RetryChangeStream", 244: "TransactionAborted", 251: "NoSuchTransaction",
	262: "ExceededTimeLimit", 280: "ChangeStreamFatalError", 9001: "SocketException",
	10058: "LegacyNotPrimary", 10107: "NotWritablePrimary", 11000: "DuplicateKey",
	11600: "InterruptedAtShutdown", 11601: "Interrupted", 11602: "InterruptedDueToReplStateChange",
	13388: "StaleConfig", 13435: "NotPrimaryNoSecondaryOk", 13436: "NotPrimaryOrSecondary",
	216: "ElectionInProgress", 50915: "BackupCursorOpenConflictWithCheckpoint",
}

func codeName(code int32) string {
	if n, ok := codeNames[code]; ok {
		return n
	}
	return "Location" + strconv.Itoa(int(code))
}
