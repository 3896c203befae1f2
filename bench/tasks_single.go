package bench

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// helloSize is the spec's size of {hello: true} for MB/s.
const helloSize = 13

// singleTasks: run command hello, find one by _id, insert one small and one
// large document (one op is one command), and the raw-socket floor.
func (e *Env) singleTasks(ctx context.Context) []Task {
	d := e.data
	return []Task{
		e.floorTask(ctx),
		e.task("single/hello", "single", helloSize, func(drv Driver) func(*testing.B) error {
			return func(b *testing.B) error {
				for b.Loop() {
					if err := drv.Hello(ctx); err != nil {
						return err
					}
				}
				return nil
			}
		}),
		e.task("single/find-one", "single", int64(d.SourceSize["tweet.json"]), func(drv Driver) func(*testing.B) error {
			return func(b *testing.B) error {
				i := 0
				for b.Loop() {
					if err := drv.FindOne(ctx, e.ids[i%len(e.ids)]); err != nil {
						return err
					}
					i++
				}
				return nil
			}
		}),
		e.insertOneTask(ctx, "single/insert-one-small", d.Small, d.SourceSize["small_doc.json"]),
		e.insertOneTask(ctx, "single/insert-one-large", d.Large, d.SourceSize["large_doc.json"]),
	}
}

func (e *Env) insertOneTask(ctx context.Context, name string, raw bson.Raw, size int) Task {
	return e.task(name, "single", int64(size), func(drv Driver) func(*testing.B) error {
		return func(b *testing.B) error {
			doc, err := drv.Doc(raw)
			if err != nil {
				return err
			}
			if err := drv.Reset(ctx); err != nil {
				return err
			}
			for b.Loop() {
				if err := drv.InsertOne(ctx, doc); err != nil {
					return err
				}
			}
			return nil
		}
	})
}

// floorTask sends {ping: 1} as a hand-built OP_MSG over one plain TCP
// connection and reads the reply: the cost of a round trip with no driver,
// for orientation. It is shown in the torque column only.
func (e *Env) floorTask(ctx context.Context) Task {
	return Task{Name: e.Server + "/floor/raw-ping", Group: "floor", Server: e.Server, Bytes: 0,
		Torque: func(b *testing.B) error {
			addr := strings.TrimPrefix(e.URI, "mongodb://")
			addr = addr[:strings.IndexAny(addr+"/", "/?")]
			addr = addr[strings.LastIndexByte(addr, '@')+1:] // drop user:password@
			var dialer net.Dialer
			c, err := dialer.DialContext(ctx, "tcp", addr)
			if err != nil {
				return err
			}
			defer c.Close()
			var out, in []byte
			for b.Loop() {
				if out, in, _, err = RawCommand(c, out, in, "admin", "ping"); err != nil {
					return err
				}
			}
			return nil
		}}
}

// RawCommand sends {<name>: 1, $db: db} on c as an OP_MSG and reads the
// reply, reusing the out and in buffers (pass back outBuf and inBuf: the
// whole message buffers, so that the next call allocates nothing); body is
// the reply's body, inside inBuf, and err is set if the reply is not ok: 1.
func RawCommand(c net.Conn, out, in []byte, db, name string) (outBuf, inBuf, body []byte, err error) {
	reqID := wire.NextRequestID()
	start, out := wire.StartMsg(out[:0], reqID, 0, 0)
	out = wire.StartBody(out)
	doc, out := bson.AppendDocumentStart(out)
	out = bson.AppendInt32Element(out, name, 1)
	out = bson.AppendStringElement(out, "$db", db)
	if out, err = bson.AppendDocumentEnd(out, doc); err != nil {
		return out, in, nil, err
	}
	if out, err = wire.FinishMsg(out, start); err != nil {
		return out, in, nil, err
	}
	if _, err := c.Write(out); err != nil {
		return out, in, nil, err
	}
	h, msg, err := wire.ReadMessage(c, in[:0], wire.DefaultMaxMessageSize)
	if err != nil {
		return out, msg, nil, err
	}
	if err := wire.CheckResponseTo(h, reqID); err != nil {
		return out, msg, nil, err
	}
	m, err := wire.ParseMsg(msg)
	if err != nil {
		return out, msg, nil, err
	}
	if ok, _ := bson.Raw(m.Body).Lookup("ok").AsInt64(); ok != 1 {
		return out, msg, nil, errors.New("bench: command failed: " + bson.Raw(m.Body).String())
	}
	return out, msg, m.Body, nil
}
