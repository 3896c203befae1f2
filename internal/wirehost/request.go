package wirehost

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// Request is one message a host received, copied out of the read buffer
// so that it may be kept. Recorded requests are never modified: read them
// from any goroutine.
type Request struct {
	Seq       int    // position in the log that recorded it, from 1
	Host      string // the host that received it ("127.0.0.1:port")
	ConnID    int64  // the connection's id (hello's connectionId)
	RequestID int32
	Time      time.Time

	OpCode     wire.OpCode       // OpMsg or OpQuery (after decompression)
	Compressor wire.CompressorID // meaningful only when Compressed
	Compressed bool              // it arrived as OP_COMPRESSED
	Flags      wire.MsgFlags     // OP_MSG flags (moreToCome, exhaustAllowed)

	Name    string   // the command: the body's first key
	DB      string   // $db, or the database of an OP_QUERY's "db.$cmd"
	Command bson.Raw // the body (OP_MSG kind 0, or the OP_QUERY query)
	// Sequences are the OP_MSG kind-1 sections by identifier, e.g. an
	// insert's "documents".
	Sequences map[string][]bson.Raw
}

// Lookup finds a field of the command body.
func (r *Request) Lookup(path ...string) bson.RawValue { return r.Command.Lookup(path...) }

// Documents returns the documents of the command argument id, whether
// they came as a document sequence or as an array in the body: the merged
// view a server has of an OP_MSG.
func (r *Request) Documents(id string) []bson.Raw {
	if docs, ok := r.Sequences[id]; ok {
		return docs
	}
	arr, ok := r.Command.Lookup(id).Array()
	if !ok {
		return nil
	}
	var docs []bson.Raw
	for _, v := range arr.All() {
		if d, ok := v.Document(); ok {
			docs = append(docs, d)
		}
	}
	return docs
}

// MoreToCome reports whether the client expects no reply (w: 0).
func (r *Request) MoreToCome() bool { return r.Flags&wire.MoreToCome != 0 }

// String is a one-line summary for test failures.
func (r *Request) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s conn %d %s %s", r.Seq, r.Host, r.ConnID, r.OpCode, r.Command)
	for id, docs := range r.Sequences {
		fmt.Fprintf(&b, " +%s[%d]", id, len(docs))
	}
	return b.String()
}

// parseRequest reads a whole (already decompressed) message into a
// Request, copying every byte it keeps.
func parseRequest(msg []byte) (*Request, error) {
	h, err := wire.ParseHeader(msg)
	if err != nil {
		return nil, err
	}
	r := &Request{RequestID: h.RequestID, OpCode: h.OpCode, Time: time.Now()}
	switch h.OpCode {
	case wire.OpMsg:
		m, err := wire.ParseMsg(msg)
		if err != nil {
			return nil, err
		}
		r.Flags = m.Flags
		r.Command = bytes.Clone(m.Body)
		for _, s := range m.Sequences {
			if r.Sequences == nil {
				r.Sequences = make(map[string][]bson.Raw)
			}
			for doc := range s.Docs.All() {
				r.Sequences[s.Identifier] = append(r.Sequences[s.Identifier], bytes.Clone(doc))
			}
		}
		r.DB, _ = r.Command.Lookup("$db").StringValue()
	case wire.OpQuery:
		q, err := wire.ParseQuery(msg)
		if err != nil {
			return nil, err
		}
		r.Command = bytes.Clone(q.Query)
		r.DB, _, _ = strings.Cut(q.FullCollectionName, ".")
	default:
		return nil, fmt.Errorf("mockserver: cannot serve %s", h.OpCode)
	}
	if err := r.Command.Validate(); err != nil {
		return nil, fmt.Errorf("mockserver: request %d body: %w", h.RequestID, err)
	}
	if el, err := r.Command.Index(0); err == nil {
		r.Name = el.Key()
	}
	return r, nil
}
