package mockserver_test

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/wire"
)

// roundTrip is what a driver's connection does, reduced to its bones: one
// OP_MSG out, one back.
func roundTrip(addr string, cmd bson.Raw, docs ...bson.Raw) (bson.Raw, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	var seq []byte
	for _, d := range docs {
		seq = append(seq, d...)
	}
	msg, err := wire.AppendMsg(nil, wire.NextRequestID(), 0, &wire.Msg{Body: cmd,
		Sequences: []wire.Sequence{{Identifier: "documents", Docs: wire.Documents(seq)}}})
	if err != nil {
		return nil, err
	}
	if _, err := nc.Write(msg); err != nil {
		return nil, err
	}
	_, reply, err := wire.ReadMessage(nc, nil, 0)
	if err != nil {
		return nil, err
	}
	m, err := wire.ParseMsg(reply)
	return m.Body, err
}

// A retryable write loses its connection after the server applied it; the
// retry carries the same lsid and txnNumber, and the document exists once.
func Example() {
	srv, err := mockserver.Start(mockserver.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close(context.Background())

	// The server will apply the next insert, then drop the connection.
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, Action: mockserver.CloseAfterApply})

	lsid := bson.D{bson.KV("id", bson.Binary{Subtype: bson.BinaryUUID, Data: make([]byte, 16)})}
	insert := mockserver.Doc(bson.KV("insert", "people"), bson.KV("lsid", lsid),
		bson.KV("txnNumber", int64(1)), bson.KV("$db", "test"))
	ada := mockserver.Doc(bson.KV("_id", 1), bson.KV("name", "Ada"))

	// The client sends the insert; the server closes the connection.
	_, err = roundTrip(srv.Addr(), insert, ada)
	fmt.Println("first attempt failed:", err != nil)

	// The client retries it; the server answers from its record.
	reply, err := roundTrip(srv.Addr(), insert, ada)
	fmt.Println("retry:", reply.Lookup("n"), err)

	fmt.Println("inserts received:", len(srv.CommandsNamed("insert")))
	fmt.Println("documents stored:", len(srv.Store().Docs("test.people")))
	// Output:
	// first attempt failed: true
	// retry: 1 <nil>
	// inserts received: 2
	// documents stored: 1
}
