package wirehost

import (
	"time"

	"github.com/torque-go/torque/bson"
)

// Reply is a handler's answer: a document, and optionally something to do
// instead of (or after) sending it.
type Reply struct {
	// Doc is the reply body. A nil Doc with Action Answer sends {ok: 1}.
	Doc bson.Raw
	// Action is what the connection does after the handler ran: answer
	// (the zero value), close without answering, hang, or send broken bytes.
	Action Action
	// Delay is how long to wait before acting.
	Delay time.Duration
	// Raw is sent verbatim when Action is WriteRaw.
	Raw []byte
}

// Doc marshals elements into a document. The mock server's values are
// the test's own; should one not marshal, the document returned is an
// {ok: 0} error that names the problem, so the test sees it instead of a
// panic.
func Doc(elems ...bson.E) bson.Raw {
	b, err := bson.Marshal(bson.D(elems))
	if err != nil {
		b, _ = bson.Marshal(bson.D{bson.KV("ok", 0.0), bson.KV("errmsg", "mockserver: cannot marshal reply: "+err.Error()), bson.KV("code", int32(1))})
	}
	return b
}

// OK is the reply {ok: 1, fields...}.
func OK(fields ...bson.E) Reply {
	return Reply{Doc: Doc(append([]bson.E{bson.KV("ok", 1.0)}, fields...)...)}
}

// Error is a command error {ok: 0, errmsg, code, codeName, errorLabels}.
// Labels are omitted when none are given.
func Error(code int32, codeName, msg string, labels ...string) Reply {
	return Reply{Doc: errorDoc(code, codeName, msg, labels)}
}

func errorDoc(code int32, codeName, msg string, labels []string) bson.Raw {
	d := []bson.E{bson.KV("ok", 0.0), bson.KV("errmsg", msg), bson.KV("code", code), bson.KV("codeName", codeName)}
	if len(labels) > 0 {
		d = append(d, bson.KV("errorLabels", labels))
	}
	return Doc(d...)
}

// CursorReply is the first batch of a cursor: {cursor: {id, ns, firstBatch},
// ok: 1}. Id 0 means the cursor is exhausted.
func CursorReply(ns string, id int64, firstBatch ...bson.Raw) Reply {
	return OK(bson.KV("cursor", bson.D{bson.KV("id", id), bson.KV("ns", ns), bson.KV("firstBatch", rawArray(firstBatch))}))
}

// NextBatch is a getMore reply: {cursor: {id, ns, nextBatch}, ok: 1}.
func NextBatch(ns string, id int64, batch ...bson.Raw) Reply {
	return OK(bson.KV("cursor", bson.D{bson.KV("id", id), bson.KV("ns", ns), bson.KV("nextBatch", rawArray(batch))}))
}

// WriteError is one entry of a write command's writeErrors.
type WriteError struct {
	Index  int32
	Code   int32
	ErrMsg string
}

// WriteErrors is an acknowledged write with per-document errors:
// {ok: 1, n, writeErrors: [{index, code, errmsg}]}.
func WriteErrors(n int32, errs ...WriteError) Reply {
	arr := make(bson.A, len(errs))
	for i, e := range errs {
		arr[i] = bson.D{bson.KV("index", e.Index), bson.KV("code", e.Code), bson.KV("errmsg", e.ErrMsg)}
	}
	return OK(bson.KV("n", n), bson.KV("writeErrors", arr))
}

// WriteConcernError is an applied write whose write concern failed:
// {ok: 1, n, writeConcernError: {code, codeName, errmsg}, errorLabels}.
func WriteConcernError(n int32, code int32, codeName, msg string, labels ...string) Reply {
	fields := []bson.E{bson.KV("n", n), bson.KV("writeConcernError", wceDoc(code, codeName, msg))}
	if len(labels) > 0 {
		fields = append(fields, bson.KV("errorLabels", labels))
	}
	return OK(fields...)
}

func wceDoc(code int32, codeName, msg string) bson.D {
	return bson.D{bson.KV("code", code), bson.KV("codeName", codeName), bson.KV("errmsg", msg)}
}

// rawArray turns documents into a value Marshal writes as a BSON array
// (never null, even when empty).
func rawArray(docs []bson.Raw) bson.A {
	a := make(bson.A, len(docs))
	for i, d := range docs {
		a[i] = d
	}
	return a
}

// withFields returns doc with fields appended, replacing any of doc's
// elements with the same keys.
func withFields(doc bson.Raw, fields ...bson.E) bson.Raw {
	d := make([]bson.E, 0, 8+len(fields))
	for key, v := range doc.All() {
		if !hasKey(fields, key) {
			d = append(d, bson.KV(key, v))
		}
	}
	return Doc(append(d, fields...)...)
}

func hasKey(fields []bson.E, key string) bool {
	for _, f := range fields {
		if f.Key == key {
			return true
		}
	}
	return false
}
