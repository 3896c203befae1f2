package session

import (
	"strconv"
	"time"

	"github.com/torque-go/torque/bson"
)

// ReadConcern is a read concern. The zero value is the server's default
// and is never sent.
type ReadConcern struct {
	Level string // "local", "majority", "snapshot", "available", "linearizable"
}

// WriteConcern is a write concern. The zero value is the server's default
// and is never sent.
type WriteConcern struct {
	// W is the w value as written: "" (server default), "majority", a
	// tag-set name, or a non-negative number in decimal ("0", "1", "3").
	W        string
	WTimeout time.Duration // 0: none
	Journal  *bool
}

// IsServerDefault reports whether wc sets nothing.
func (wc WriteConcern) IsServerDefault() bool {
	return wc.W == "" && wc.WTimeout == 0 && wc.Journal == nil
}

// Acknowledged reports whether writes with wc wait for a reply: all but w:0
// without j:true.
func (wc WriteConcern) Acknowledged() bool {
	return wc.W != "0" || (wc.Journal != nil && *wc.Journal)
}

// appendWriteConcern appends the element key: {w, j, wtimeout}.
func appendWriteConcern(dst []byte, key string, wc WriteConcern) []byte {
	start, dst := bson.AppendDocumentElementStart(dst, key)
	if wc.W != "" {
		if n, err := strconv.ParseInt(wc.W, 10, 32); err == nil && n >= 0 {
			dst = bson.AppendInt32Element(dst, "w", int32(n))
		} else {
			dst = bson.AppendStringElement(dst, "w", wc.W)
		}
	}
	if wc.Journal != nil {
		dst = bson.AppendBooleanElement(dst, "j", *wc.Journal)
	}
	if wc.WTimeout > 0 {
		dst = bson.AppendInt64Element(dst, "wtimeout", wc.WTimeout.Milliseconds())
	}
	return endDocument(dst, start)
}

// endDocument closes a sub-document this package opened at start. The
// documents built here are a few dozen bytes plus a server-sent token, so
// the length always fits; the check is bson's.
func endDocument(dst []byte, start int) []byte {
	out, err := bson.AppendDocumentEnd(dst, start)
	if err != nil { // unreachable: start is ours and the size is small
		return dst
	}
	return out
}
