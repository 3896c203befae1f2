package stream

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/topology"
	"github.com/torque-go/torque/wire"
)

// cursor is the server-side cursor under a stream: where it lives, and
// the batch being read, which stays in the reply's pooled buffer.
type cursor struct {
	id       int64
	db, coll string // from the reply's ns: getMore and killCursors go there
	srv      driver.Server
	// conn is the cursor's connection behind a load balancer, where its
	// getMore and killCursors must use the connection that opened it;
	// nil elsewhere. After a network error on it (broken) it stays
	// checked out, pinned to the cursor, until killCursor gives it back
	// without sending killCursors (load-balancers specification): the
	// resume's aggregate runs on another connection.
	conn   driver.Conn
	broken bool
	wire   int32 // the server's maxWireVersion, for the resumable-error rules

	buf  *[]byte  // the reply holding the batch (nil from a fake executor)
	rest []byte   // the unread elements of the batch array
	pbrt bson.Raw // the batch's postBatchResumeToken, nil when absent
}

// take keeps r's buffer and reads its cursor document: id, ns, the batch
// named key ("firstBatch" or "nextBatch") and postBatchResumeToken.
func (c *cursor) take(r *driver.Reply, key string) error {
	cd, ok := r.Doc.Lookup("cursor").Document()
	if !ok {
		return errors.New("changestream: reply has no cursor document")
	}
	id, ok := cd.Lookup("id").AsInt64()
	if !ok {
		return errors.New("changestream: cursor reply has no cursor id")
	}
	batch, ok := cd.Lookup(key).Array()
	if !ok {
		return fmt.Errorf("changestream: cursor reply has no %s array", key)
	}
	var pbrt bson.Raw
	if v := cd.Lookup("postBatchResumeToken"); !v.IsZero() {
		if pbrt, ok = v.Document(); !ok {
			return errors.New("changestream: postBatchResumeToken is a " + v.Type.String() + ", not a document")
		}
	}
	if ns, ok := cd.Lookup("ns").StringValue(); ok {
		c.db, c.coll, _ = strings.Cut(ns, ".")
	}
	c.release()
	c.buf = r.Keep()
	c.id, c.rest, c.pbrt = id, batch[4:len(batch)-1], pbrt
	if r.Server != nil {
		c.srv = r.Server
		c.wire = r.Server.Description().MaxWireVersion
	}
	return nil
}

// keepConn takes r's connection (behind a load balancer) for a cursor
// that stays open.
func (c *cursor) keepConn(r *driver.Reply) {
	if c.id != 0 && c.conn == nil {
		c.conn = r.KeepConn()
	}
}

// dropConn gives the cursor's connection back to its pool; after a
// network error it keeps the connection (the executor closed its socket)
// as broken, for killCursor to give back.
func (c *cursor) dropConn(err error) {
	if c.conn == nil {
		return
	}
	if driver.IsNetworkError(err) {
		c.broken = true
		return
	}
	c.releaseConn()
}

// releaseConn gives the cursor's connection back to its pool, which
// closes a broken one.
func (c *cursor) releaseConn() {
	if c.conn != nil {
		c.conn.Release()
	}
	c.conn, c.broken = nil, false
}

// empty reports whether every document of the batch was read.
func (c *cursor) empty() bool { return len(c.rest) == 0 }

// remaining counts the unread documents of the batch by walking their
// element headers (no decoding); a malformed tail, which next reports,
// ends the count.
func (c *cursor) remaining() int {
	n := 0
	for b := c.rest; len(b) > 0; n++ {
		k := bytes.IndexByte(b, 0)
		if k < 0 || len(b) < k+5 {
			break
		}
		size := int(binary.LittleEndian.Uint32(b[k+1:]))
		if size < 5 || len(b) < k+1+size {
			break
		}
		b = b[k+1+size:]
	}
	return n
}

// next returns the next document of the batch (a slice of it).
func (c *cursor) next() (bson.Raw, bool, error) {
	b := c.rest
	if len(b) == 0 {
		return nil, false, nil
	}
	k := bytes.IndexByte(b, 0)
	if b[0] != byte(bson.TypeEmbeddedDocument) || k < 0 || len(b) < k+5 {
		c.rest = nil
		return nil, false, errors.New("changestream: the batch holds something that is not a document")
	}
	n := int(binary.LittleEndian.Uint32(b[k+1:]))
	if n < 5 || len(b) < k+1+n {
		c.rest = nil
		return nil, false, errors.New("changestream: the batch is truncated")
	}
	doc := bson.Raw(b[k+1 : k+1+n : k+1+n])
	c.rest = b[k+1+n:]
	return doc, true, nil
}

// release returns the batch's buffer to the pool.
func (c *cursor) release() {
	if c.buf != nil {
		wire.PutBuffer(c.buf)
	}
	c.buf, c.rest, c.pbrt = nil, nil, nil
}

// getMore fetches the next batch from the cursor's server, waiting up to
// MaxAwaitTime there.
func (s *Stream) getMore(ctx context.Context) error {
	c := &s.cursor
	op := &driver.Operation{Name: "getMore", DB: c.db, Kind: driver.GetMore, Server: c.srv, Conn: c.conn, Session: s.sess,
		OmitMaxTime: true, MaxTime: s.opts.MaxAwaitTime, LazyBatch: true,
		Command: func(dst []byte, desc *topology.ServerDescription) ([]byte, error) {
			dst = bson.AppendInt64Element(dst, "getMore", c.id)
			dst = bson.AppendStringElement(dst, "collection", c.coll)
			if s.opts.BatchSize > 0 {
				dst = bson.AppendInt32Element(dst, "batchSize", s.opts.BatchSize)
			}
			if desc != nil && desc.MaxWireVersion >= minWireGetMoreComment {
				dst = appendComment(dst, &s.enc)
			}
			return dst, nil
		},
		Handle: func(r *driver.Reply) error {
			if err := c.take(r, "nextBatch"); err != nil {
				return err
			}
			s.afterBatch()
			return nil
		}}
	err := s.x.Execute(ctx, op)
	if driver.IsNetworkError(err) || err == nil && c.id == 0 {
		c.dropConn(err)
	}
	return err
}

// killCursor kills the server's cursor, if open, on the server that has
// it (and no other).
func (s *Stream) killCursor(ctx context.Context) error {
	c := &s.cursor
	if c.id == 0 || c.srv == nil || c.broken {
		c.id = 0 // a broken connection's cursor is gone: no killCursors on another
		c.releaseConn()
		return nil
	}
	id := c.id
	c.id = 0
	op := &driver.Operation{Name: "killCursors", DB: c.db, Kind: driver.GetMore, Server: c.srv, Conn: c.conn, Session: s.sess,
		OmitMaxTime: true,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			dst = bson.AppendStringElement(dst, "killCursors", c.coll)
			start, dst := bson.AppendArrayElementStart(dst, "cursors")
			dst = bson.AppendInt64Element(dst, "0", id)
			return bson.AppendDocumentEnd(dst, start)
		}}
	err := s.x.Execute(ctx, op)
	c.releaseConn() // whatever the result
	return err
}
