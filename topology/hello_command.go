package topology

import (
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/wire"
)

// appendHelloCommand appends a monitor's hello command document:
// {hello: 1} (or legacy {isMaster: 1} when the server has not said
// helloOk), helloOk: true, and for an awaitable hello the topologyVersion
// to wait on with maxAwaitTimeMS, the Stable API fields, and $db.
// Monitoring connections are established by pool.Dial, whose handshake
// sends the client metadata; these later hellos need none of it.
func appendHelloCommand(dst []byte, helloOK bool, tv *TopologyVersion, maxAwait time.Duration, api *pool.ServerAPI) ([]byte, error) {
	start, dst := bson.AppendDocumentStart(dst)
	if helloOK || api != nil {
		dst = bson.AppendInt32Element(dst, "hello", 1)
	} else {
		dst = bson.AppendInt32Element(dst, "isMaster", 1)
	}
	dst = bson.AppendBooleanElement(dst, "helloOk", true)
	if tv != nil {
		tvStart, out := bson.AppendDocumentElementStart(dst, "topologyVersion")
		out = bson.AppendObjectIDElement(out, "processId", tv.ProcessID)
		out = bson.AppendInt64Element(out, "counter", tv.Counter)
		var err error
		if dst, err = bson.AppendDocumentEnd(out, tvStart); err != nil {
			return dst, err
		}
		dst = bson.AppendInt64Element(dst, "maxAwaitTimeMS", max(maxAwait.Milliseconds(), 1))
	}
	if api != nil {
		dst = bson.AppendStringElement(dst, "apiVersion", api.Version)
		if api.Strict {
			dst = bson.AppendBooleanElement(dst, "apiStrict", true)
		}
		if api.DeprecationErrors {
			dst = bson.AppendBooleanElement(dst, "apiDeprecationErrors", true)
		}
	}
	dst = bson.AppendStringElement(dst, "$db", "admin")
	return bson.AppendDocumentEnd(dst, start)
}

// appendStreamingHello appends a whole OP_MSG carrying an awaitable hello
// with the exhaustAllowed flag: the server may answer with a stream of
// replies flagged moreToCome, one per topology change or maxAwaitTimeMS.
func appendStreamingHello(dst []byte, helloOK bool, tv *TopologyVersion, maxAwait time.Duration, api *pool.ServerAPI) ([]byte, error) {
	start, dst := wire.StartMsg(dst, wire.NextRequestID(), 0, wire.ExhaustAllowed)
	dst = wire.StartBody(dst)
	dst, err := appendHelloCommand(dst, helloOK, tv, maxAwait, api)
	if err != nil {
		return dst, err
	}
	return wire.FinishMsg(dst, start)
}
