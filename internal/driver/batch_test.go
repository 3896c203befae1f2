package driver

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// appendOp is insertOp with its documents encoded by Batch.Append, which
// counts the encodings of each document.
func appendOp(t *testing.T, docs []bson.D, calls []int) *Operation {
	op := insertOp(t)
	op.Batch.Len = len(docs)
	op.Batch.Append = func(dst []byte, i int) ([]byte, error) {
		calls[i]++
		return bson.MarshalAppend(dst, docs[i])
	}
	return op
}

func TestBatchAppendEncodesEachDocumentOnce(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	d.servers[0].desc.MaxMessageSizeBytes = 3000
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return okDoc(t), true, nil
	})
	var docs []bson.D
	for i := range 5 {
		docs = append(docs, bson.D{bson.KV("i", int32(i)), bson.KV("a", strings.Repeat("x", 1000))})
	}
	calls := make([]int, len(docs))
	if err := newExecutor(d).Execute(context.Background(), appendOp(t, docs, calls)); err != nil {
		t.Fatal(err)
	}
	var got []int32
	var sizes []int
	for _, c := range log.cmds {
		arr, _ := c.Lookup("documents").Array()
		vals, _ := arr.Values()
		sizes = append(sizes, len(vals))
		for _, v := range vals {
			doc, _ := v.Document()
			i, _ := doc.Lookup("i").Int32()
			got = append(got, i)
		}
	}
	if len(sizes) != 3 || sizes[0] != 2 || sizes[1] != 2 || sizes[2] != 1 {
		t.Errorf("batches of %v, want [2 2 1]", sizes)
	}
	for i := range docs {
		if i >= len(got) || got[i] != int32(i) {
			t.Fatalf("documents sent in order %v", got)
		}
		if calls[i] != 1 {
			t.Errorf("document %d encoded %d times, want once (an overflowing one is carried over)", i, calls[i])
		}
	}
}

func TestBatchAppendRetryEncodesAgain(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary, topology.RSPrimary)
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		if len(log.cmds) == 1 {
			return nil, true, io.ErrUnexpectedEOF
		}
		return okDoc(t), true, nil
	})
	docs := []bson.D{{bson.KV("_id", 1)}, {bson.KV("_id", 2)}}
	calls := make([]int, len(docs))
	if err := newExecutor(d).Execute(context.Background(), appendOp(t, docs, calls)); err != nil {
		t.Fatal(err)
	}
	if len(log.cmds) != 2 || !log.cmds[0].Lookup("documents").Equal(log.cmds[1].Lookup("documents")) {
		t.Fatalf("%d attempts; the retry must send the same documents", len(log.cmds))
	}
	if calls[0] != 2 || calls[1] != 2 {
		t.Errorf("encodings %v, want [2 2] (once per attempt)", calls)
	}
}

func TestBatchAppendOversizedRejectedBeforeSending(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	d.servers[0].desc.MaxBSONObjectSize = 100
	sent := 0
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) { sent++; return okDoc(t), true, nil })
	docs := []bson.D{{bson.KV("a", 1)}, {bson.KV("a", strings.Repeat("x", 200))}}
	err := newExecutor(d).Execute(context.Background(), appendOp(t, docs, make([]int, 2)))
	if err == nil || !strings.Contains(err.Error(), "document 1") {
		t.Errorf("err = %v, want one naming document 1", err)
	}
	if sent != 0 {
		t.Errorf("%d commands sent", sent)
	}
}

// A write that needs several messages encodes every document before the
// first message goes out: one that cannot be encoded, or is over the
// server's limit, fails the write with nothing sent.
func TestBatchBadLaterDocumentSendsNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		bad  func(dst []byte) ([]byte, error)
		want string
	}{
		{"unencodable", func(dst []byte) ([]byte, error) { return dst, io.ErrShortWrite }, io.ErrShortWrite.Error()},
		{"oversized", func(dst []byte) ([]byte, error) {
			return bson.MarshalAppend(dst, bson.D{bson.KV("a", strings.Repeat("x", 2000))})
		}, "document 3 is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
			d.servers[0].desc.MaxWriteBatchSize = 2
			d.servers[0].desc.MaxBSONObjectSize = 1000
			var log cmdLog
			d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
				log.add(addr, cmd)
				return okDoc(t), true, nil
			})
			calls := make([]int, 5)
			op := insertOp(t)
			op.Batch.Len = len(calls)
			op.Batch.Append = func(dst []byte, i int) ([]byte, error) {
				calls[i]++
				if i == 3 {
					return tc.bad(dst)
				}
				return bson.MarshalAppend(dst, bson.D{bson.KV("i", int32(i))})
			}
			err := newExecutor(d).Execute(context.Background(), op)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
			if len(log.cmds) != 0 {
				t.Errorf("%d commands sent before the bad document was found", len(log.cmds))
			}
		})
	}
}

// The documents after the first message are encoded once, before it is
// sent, and copied into the later messages.
func TestBatchLaterDocumentsEncodedOnce(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	d.servers[0].desc.MaxWriteBatchSize = 2
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return okDoc(t), true, nil
	})
	docs := make([]bson.D, 5)
	for i := range docs {
		docs[i] = bson.D{bson.KV("i", int32(i))}
	}
	calls := make([]int, len(docs))
	if err := newExecutor(d).Execute(context.Background(), appendOp(t, docs, calls)); err != nil {
		t.Fatal(err)
	}
	if len(log.cmds) != 3 {
		t.Fatalf("%d commands, want 3 (batches of 2, 2, 1)", len(log.cmds))
	}
	for i, c := range calls {
		if c != 1 {
			t.Errorf("document %d encoded %d times, want once", i, c)
		}
	}
}
