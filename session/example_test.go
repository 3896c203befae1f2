package session_test

import (
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/session"
)

// The fields a causally consistent session adds to a find after its first
// reply, and to the first command of a transaction.
func Example() {
	pool := session.NewPool(nil)
	sess, err := session.NewExplicit(pool, session.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sess.End(0)
	if err := sess.Acquire(0); err != nil { // after checking out a connection
		fmt.Println(err)
		return
	}
	sess.AdvanceOperationTime(bson.Timestamp{T: 1700000000, I: 3}) // as a reply would

	show := func(op session.Op) {
		f, err := sess.Prepare(op, session.ClusterTime{})
		if err != nil {
			fmt.Println(err)
			return
		}
		f.LSID = nil // random; shown as {id: UUID} in real commands
		start, cmd := bson.AppendDocumentStart(nil)
		cmd = bson.AppendStringElement(cmd, "find", "coll")
		cmd = f.Append(cmd)
		cmd, _ = bson.AppendDocumentEnd(cmd, start)
		fmt.Println(bson.Raw(cmd))
	}
	show(session.Op{Kind: session.OpRead, ReadConcern: session.ReadConcern{Level: "majority"}, WireVersion: 25})

	if err := sess.StartTransaction(nil); err != nil {
		fmt.Println(err)
		return
	}
	show(session.Op{Kind: session.OpRead, WireVersion: 25})
	// Output:
	// {"find":"coll","readConcern":{"level":"majority","afterClusterTime":{"$timestamp":{"t":1700000000,"i":3}}}}
	// {"find":"coll","txnNumber":1,"startTransaction":true,"autocommit":false,"readConcern":{"afterClusterTime":{"$timestamp":{"t":1700000000,"i":3}}}}
}
