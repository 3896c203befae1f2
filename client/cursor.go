package client

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"strings"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
	"github.com/torque-go/torque/wire"
)

// Cursor iterates over the results of find, aggregate, listCollections...
// It fetches whole batches from the server that opened it (getMore) and
// hands out their documents without copying: Current is a slice of the
// batch, valid until the next call to Next, TryNext or Close. Copy what
// must live longer (bytes.Clone, Decode, All). A Cursor is not safe for
// concurrent use. Close it when done early; a cursor read to its end
// closes itself (its server-side cursor is gone then).
//
// A batch is checked on arrival at framing speed: every document of it is
// a document whose length fits and that ends where it should. The inside
// of each document is checked where it is read, so that iterating costs
// no walk over bytes nobody reads. Decode, All, ToList, TypedCursor,
// FindOne and change streams check the documents they decode or hand out
// to keep (a *bson.DecodeError naming the byte and key path of the
// problem); Current, during plain iteration (Next, TryNext, Iter), is only
// framed: read it with the methods that report errors (LookupErr,
// Elements, Index, Unmarshal), or call Current.ValidateStructure (or
// Validate) first. Lookup, which has no error, returns the zero value
// both for a missing key and for malformed bytes on its way. A malformed
// document is the server's data problem, never the connection's: the
// cursor, its connection and its server are unaffected.
type Cursor struct {
	// Current is the document Next or TryNext moved to: framed, its
	// inside unchecked (see the type's doc).
	Current bson.Raw

	client *Client
	spec   *cursorSpec
	srv    driver.Server
	// conn is the cursor's connection behind a load balancer, where its
	// getMore and killCursors must use the connection that opened it;
	// nil elsewhere. The cursor releases it when done. After a network
	// error on it (connBroken) it stays checked out until Close, which
	// sends no killCursors on it (load-balancers specification).
	conn       driver.Conn
	connBroken bool
	sess       *session.ClientSession
	// ownSess: the session is an implicit one the cursor ends.
	ownSess  bool
	id       int64
	db, coll string

	buf  *[]byte // the reply holding the current batch (a pooled buffer)
	rest []byte  // the unread elements of the batch array
	err  error
	done bool // closed or exhausted and cleaned up

	// tm is the cursor's timeoutMS and mode (cursor_timeout.go).
	tm cursorTimeout

	// gm is the cursor's getMore, built on the first (getMoreOp): its
	// builder and handler read the cursor, so every later getMore
	// allocates none of them again.
	gm *driver.Operation
}

// cursorSpec is a command that opens a cursor.
type cursorSpec struct {
	name, db  string
	kind      driver.Kind
	retryable bool
	rp        ReadPref
	rc        ReadConcern
	wc        WriteConcern
	batchSize int32
	maxTime   time.Duration
	maxAwait  time.Duration
	comment   any
	// enc encodes comment (SetComment's too) and dec decodes for Decode,
	// All and TypedCursor: those of the handle that opens the cursor; nil
	// means the client's.
	enc   *bson.Encoder
	dec   *bson.Decoder
	build func(dst []byte) ([]byte, error)
	// timeout is the timeoutMS of the handle that opens the cursor (nil:
	// unset); tailable and awaitData decide its default timeout mode.
	timeout             *time.Duration
	tailable, awaitData bool
}

// appendCursorDoc appends "cursor: {batchSize}" (an empty document for the
// server's default).
func appendCursorDoc(dst []byte, batchSize int32) []byte {
	start, dst := bson.AppendDocumentElementStart(dst, "cursor")
	if batchSize > 0 {
		dst = bson.AppendInt32Element(dst, "batchSize", batchSize)
	}
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}

// openCursor runs the command of spec and returns a cursor on its first
// batch.
func (c *Client) openCursor(ctx context.Context, spec *cursorSpec) (*Cursor, error) {
	if spec.enc == nil {
		spec.enc = c.enc()
	}
	if spec.dec == nil {
		spec.dec = &c.opts.Decoder
	}
	cur := &Cursor{client: c, spec: spec}
	tm, err := spec.cursorTimeout(ctx)
	if err != nil {
		return nil, err
	}
	cur.tm = tm
	op := &driver.Operation{Name: spec.name, DB: spec.db, Kind: spec.kind, Retryable: spec.retryable,
		ReadPref: spec.rp, ReadConcern: spec.rc, WriteConcern: spec.wc, MaxTime: spec.maxTime, KeepSession: true, PinConn: true, LazyBatch: true,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) { return spec.build(dst) },
		Handle: func(r *driver.Reply) error {
			if err := cur.takeBatch(r, "firstBatch"); err != nil {
				return err
			}
			cur.srv = r.Server
			if cur.id != 0 {
				if s := r.KeepSession(); s != nil {
					cur.sess, cur.ownSess = s, true
				}
				cur.holdConn(r)
			}
			return nil
		}}
	tm.opening(op)
	if err := c.run(ctx, op); err != nil {
		_ = cur.Close(ctx) // the handler may have kept a batch, a cursor and a session
		return nil, err
	}
	if s := sessionFrom(ctx); s != nil && cur.sess == nil {
		cur.sess = s.cs
	}
	return cur, nil
}

// takeBatch keeps the reply's buffer and reads its cursor document.
func (cur *Cursor) takeBatch(r *driver.Reply, key string) error {
	cd, ok := r.Doc.Lookup("cursor").Document()
	if !ok {
		return errors.New("client: " + cur.spec.name + " reply has no cursor document")
	}
	id, ok := cd.Lookup("id").AsInt64()
	if !ok {
		return errors.New("client: cursor reply has no cursor id")
	}
	if ns, ok := cd.Lookup("ns").StringBytes(); ok && !cur.isNS(ns) {
		cur.db, cur.coll, _ = strings.Cut(string(ns), ".")
	}
	batch, ok := cd.Lookup(key).Array()
	if !ok {
		return fmt.Errorf("client: cursor reply has no %s array", key)
	}
	cur.releaseBuffer()
	cur.buf = r.Keep()
	cur.rest = batch[4 : len(batch)-1]
	cur.id = id
	return nil
}

// isNS reports whether ns is the cursor's namespace already (a getMore's
// reply repeats it), without making a string of it.
func (cur *Cursor) isNS(ns []byte) bool {
	d := len(cur.db)
	return len(ns) == d+1+len(cur.coll) && string(ns[:d]) == cur.db && ns[d] == '.' && string(ns[d+1:]) == cur.coll
}

// nextDoc moves Current to the next document of the batch. The batch was
// framed on arrival; the checks here are what indexing needs. A key is a
// position ("0", "1", ...): a loop finds its end sooner than a call.
func (cur *Cursor) nextDoc() bool {
	b := cur.rest
	if len(b) == 0 {
		return false
	}
	k := 1
	for k < len(b) && b[k] != 0 {
		k++
	}
	if b[0] != byte(bson.TypeEmbeddedDocument) || len(b) < k+5 {
		cur.err, cur.rest = errors.New("client: cursor batch holds something that is not a document"), nil
		return false
	}
	n := int(binary.LittleEndian.Uint32(b[k+1:]))
	if n < 5 || len(b) < k+1+n {
		cur.err, cur.rest = errors.New("client: cursor batch is truncated"), nil
		return false
	}
	cur.Current = bson.Raw(b[k+1 : k+1+n : k+1+n])
	cur.rest = b[k+1+n:]
	return true
}

// Next moves to the next document, fetching batches as needed, and
// reports whether there is one. It returns false at the end of the
// results, on error (see Err), or when ctx ends. A tailable cursor waits
// for new documents until ctx ends or the cursor dies. After Close it
// returns false and Err returns ErrCursorClosed.
func (cur *Cursor) Next(ctx context.Context) bool {
	if cur.closedErr() {
		return false
	}
	var deadline time.Time // one for every getMore of this call
	fetched := false
	for {
		if cur.nextDoc() {
			return true
		}
		if cur.err != nil || cur.id == 0 || cur.done {
			cur.finish()
			return false
		}
		if !fetched {
			deadline, fetched = cur.tm.nextDeadline(), true
		}
		if !cur.getMore(ctx, deadline) {
			cur.finish() // a dead cursor gives back its session now
			return false
		}
	}
}

// TryNext is Next with at most one getMore: for a tailable cursor it
// returns false when no new document has arrived yet (check Err and ID to
// tell the end from "nothing yet").
func (cur *Cursor) TryNext(ctx context.Context) bool {
	if cur.closedErr() {
		return false
	}
	if cur.nextDoc() {
		return true
	}
	if cur.err == nil && cur.id != 0 && !cur.done && cur.getMore(ctx, cur.tm.nextDeadline()) && cur.nextDoc() {
		return true
	}
	cur.finish() // an exhausted or dead cursor gives back its session now
	return false
}

// closedErr reports whether the cursor was closed, and makes
// ErrCursorClosed its error then.
func (cur *Cursor) closedErr() bool {
	if cur.done {
		cur.err = ErrCursorClosed
	}
	return cur.done
}

// getMore fetches the next batch from the cursor's server, by deadline
// when the cursor has a timeoutMS (zero: no limit).
func (cur *Cursor) getMore(ctx context.Context, deadline time.Time) bool {
	cur.Current = nil
	if err := cur.client.x.Execute(ctx, cur.getMoreOp(deadline)); err != nil {
		cur.err = err
		cur.dropConnAfter(err)
		var ce *CommandError
		if errors.As(err, &ce) && (ce.Code == 43 || ce.Code == 237) { // CursorNotFound, CursorKilled
			cur.id = 0
		}
		if IsNetworkError(err) {
			cur.id = 0 // the server-side cursor died with the connection
		}
		return false
	}
	if cur.id == 0 {
		cur.finish() // drained: its connection (load-balanced) and implicit session go back now
	}
	return true
}

// getMoreOp returns the cursor's getMore operation as it stands now:
// built once, its fields that change (the namespace, the connection, the
// session, the options set since) set on every call.
func (cur *Cursor) getMoreOp(deadline time.Time) *driver.Operation {
	if cur.gm == nil {
		cur.gm = &driver.Operation{Name: "getMore", Kind: driver.GetMore, OmitMaxTime: true, LazyBatch: true,
			Command: cur.appendGetMore, Handle: cur.takeNextBatch}
	}
	op := cur.gm
	op.DB, op.Server, op.Conn, op.Session = cur.db, cur.srv, cur.conn, cur.sess
	op.MaxTime, op.CSOT, op.Deadline = cur.spec.maxAwait, cur.tm.set, deadline
	return op
}

// appendGetMore is the getMore command's builder.
func (cur *Cursor) appendGetMore(dst []byte, desc *topology.ServerDescription) ([]byte, error) {
	dst = bson.AppendInt64Element(dst, "getMore", cur.id)
	dst = bson.AppendStringElement(dst, "collection", cur.coll)
	if cur.spec.batchSize > 0 {
		dst = bson.AppendInt32Element(dst, "batchSize", cur.spec.batchSize)
	}
	if cur.spec.comment != nil && desc != nil && desc.MaxWireVersion >= 9 { // 4.4: any comment
		return appendValue(dst, cur.spec.enc, "comment", cur.spec.comment)
	}
	return dst, nil
}

func (cur *Cursor) takeNextBatch(r *driver.Reply) error { return cur.takeBatch(r, "nextBatch") }

// finish ends the implicit session of an exhausted cursor and releases
// its connection.
func (cur *Cursor) finish() {
	if cur.id != 0 {
		return
	}
	if cur.ownSess && cur.sess != nil {
		cur.sess.End(0)
		cur.sess, cur.ownSess = nil, false
	}
	if !cur.connBroken {
		cur.releaseConn()
	}
}

// holdConn takes the reply's connection for the cursor (behind a load
// balancer): a network error on it then leaves it checked out until
// Close.
func (cur *Cursor) holdConn(r *driver.Reply) {
	cur.conn = r.KeepConn()
	if c, ok := cur.conn.(*conn); ok {
		c.cursor = true
	}
}

// releaseConn gives the cursor's connection back to its pool (which
// closes a broken one).
func (cur *Cursor) releaseConn() {
	if cur.conn != nil {
		cur.conn.Release()
		cur.conn, cur.connBroken = nil, false
	}
}

// dropConnAfter notes a network error on the cursor's connection: the
// executor closed its socket. A connection the cursor holds stays checked
// out until Close; any other was given back by the executor.
func (cur *Cursor) dropConnAfter(err error) {
	if !IsNetworkError(err) || cur.conn == nil {
		return
	}
	if c, ok := cur.conn.(*conn); ok && c.cursor {
		cur.connBroken = true
		return
	}
	cur.conn = nil
}

func (cur *Cursor) releaseBuffer() {
	if cur.buf != nil {
		wire.PutBuffer(cur.buf)
		cur.buf, cur.rest = nil, nil
	}
}

// Decode unmarshals Current into v, with the client's Decoder options.
func (cur *Cursor) Decode(v any) error {
	if cur.Current == nil {
		return errors.New("client: Decode with no current document: call Next first")
	}
	return decode(cur.decoder(), cur.Current, v, "Decode")
}

// Err returns the error that stopped the cursor, nil at a normal end;
// ErrCursorClosed once Next, TryNext, All, ToList or Iter was called
// after Close.
func (cur *Cursor) Err() error { return cur.err }

// ID returns the server's cursor id: 0 once the cursor is exhausted.
func (cur *Cursor) ID() int64 { return cur.id }

// RemainingBatchLength returns how many documents of the current batch
// Next can still hand out without a getMore. It walks the batch's
// element headers (no decoding, no allocation).
func (cur *Cursor) RemainingBatchLength() int {
	n := 0
	for b := cur.rest; len(b) > 0; n++ {
		k := bytes.IndexByte(b, 0)
		if k < 0 || len(b) < k+5 {
			break // malformed: Next will say so
		}
		size := int(binary.LittleEndian.Uint32(b[k+1:]))
		if size < 5 || len(b) < k+1+size {
			break
		}
		b = b[k+1+size:]
	}
	return n
}

// SetBatchSize sets the batchSize of the cursor's next getMores (0: the
// server's default).
func (cur *Cursor) SetBatchSize(n int32) { cur.spec.batchSize = n }

// SetMaxAwaitTime sets the maxTimeMS of the cursor's next getMores: how
// long a tailable awaitData cursor waits for new documents (0: the
// server's default, one second).
func (cur *Cursor) SetMaxAwaitTime(d time.Duration) { cur.spec.maxAwait = d }

// SetComment sets the comment of the cursor's next getMores (servers
// 4.4+; nil: none).
func (cur *Cursor) SetComment(comment any) { cur.spec.comment = comment }

// Close kills the server-side cursor if it is still open (killCursors),
// ends the cursor's implicit session and returns its buffer. Current is
// invalid afterwards. Close is idempotent.
func (cur *Cursor) Close(ctx context.Context) error {
	if cur.done {
		return nil
	}
	cur.done = true
	var err error
	if cur.id != 0 && cur.srv != nil {
		id := cur.id
		op := &driver.Operation{Name: "killCursors", DB: cur.db, Kind: driver.GetMore, Server: cur.srv, Conn: cur.conn, Session: cur.sess,
			OmitMaxTime: !cur.tm.set, CSOT: cur.tm.set, Deadline: cur.tm.closeDeadline(ctx),
			Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
				dst = bson.AppendStringElement(dst, "killCursors", cur.coll)
				start, dst := bson.AppendArrayElementStart(dst, "cursors")
				dst = bson.AppendInt64Element(dst, "0", id)
				return bson.AppendDocumentEnd(dst, start)
			}}
		err = cur.client.x.Execute(ctx, op)
		cur.dropConnAfter(err)
		cur.id = 0
	}
	cur.finish()
	cur.releaseConn() // a broken one too: finish keeps it for Close
	cur.releaseBuffer()
	cur.Current = nil
	return err
}

// All decodes every remaining document, with the client's Decoder
// options, into the slice results points to (a *[]T, appended to) and
// closes the cursor. For *[]bson.Raw the documents are copied, each
// checked with ValidateStructure first. A document that does not decode
// (or, for *[]bson.Raw, does not validate) ends it with an error naming
// the document's position. After Close it returns ErrCursorClosed.
func (cur *Cursor) All(ctx context.Context, results any) error {
	defer cur.Close(ctx)
	if raws, ok := results.(*[]bson.Raw); ok {
		var a arena
		for i := 0; cur.Next(ctx); i++ {
			if err := cur.checkCurrent("All", i); err != nil {
				return err
			}
			*raws = append(*raws, a.copy(cur.Current))
		}
		return cur.Err()
	}
	sv := reflect.ValueOf(results)
	if sv.Kind() != reflect.Pointer || sv.IsNil() || sv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("client: All needs a pointer to a slice, not %T", results)
	}
	slice := sv.Elem()
	elem := slice.Type().Elem()
	for cur.Next(ctx) {
		slice.Set(reflect.Append(slice, reflect.Zero(elem)))
		method := fmt.Sprintf("All (document %d)", slice.Len()-1)
		if err := decode(cur.decoder(), cur.Current, slice.Index(slice.Len()-1).Addr().Interface(), method); err != nil {
			return err
		}
	}
	return cur.Err()
}

// ToList returns at most length documents (copies, each checked with
// ValidateStructure), reading batches as needed: Motor's to_list(length),
// which keeps a large result from filling memory. The cursor stays open
// when documents remain. A malformed document stops the cursor: ToList
// returns the documents before it and the error (Err returns it too).
// After Close it returns ErrCursorClosed.
func (cur *Cursor) ToList(ctx context.Context, length int) ([]bson.Raw, error) {
	if length <= 0 {
		return nil, errors.New("client: ToList needs a positive length; All reads everything")
	}
	var out []bson.Raw
	var a arena
	for len(out) < length && cur.Next(ctx) {
		if err := cur.checkCurrent("ToList", len(out)); err != nil {
			return out, err
		}
		out = append(out, a.copy(cur.Current))
	}
	return out, cur.Err()
}

// checkCurrent checks the structure of Current before it is handed out
// to keep (document i of method's result). A malformed document stops
// the cursor: it becomes Err, and the rest of the batch is dropped.
func (cur *Cursor) checkCurrent(method string, i int) error {
	if err := cur.Current.ValidateStructure(); err != nil {
		cur.err, cur.rest = fmt.Errorf("client: %s (document %d): %w", method, i, err), nil
		return cur.err
	}
	return nil
}

// arena copies documents into shared 64 KiB blocks: one allocation per
// block rather than per document. A copy is never moved or overwritten.
type arena struct{ block []byte }

func (a *arena) copy(doc bson.Raw) bson.Raw {
	if cap(a.block)-len(a.block) < len(doc) {
		a.block = make([]byte, 0, max(len(doc), 64<<10))
	}
	start := len(a.block)
	a.block = append(a.block, doc...)
	return bson.Raw(a.block[start:len(a.block):len(a.block)])
}

// Iter returns an iterator over the remaining documents, for a range
// loop. Each document is valid only during its iteration, and is framed
// but unchecked inside, as Current is (see Cursor). An error ends
// the loop with a last pair (nil, err); after Close that error is
// ErrCursorClosed.
//
// The rule for Cursor.Iter and ChangeStream.Iter alike: breaking out of
// the loop leaves the cursor open, so that a later loop or Next goes on
// where it stopped; Close it when done (defer cur.Close(ctx)).
func (cur *Cursor) Iter(ctx context.Context) iter.Seq2[bson.Raw, error] {
	return func(yield func(bson.Raw, error) bool) {
		for cur.Next(ctx) {
			if !yield(cur.Current, nil) {
				return
			}
		}
		if err := cur.Err(); err != nil {
			yield(nil, err)
		}
	}
}
