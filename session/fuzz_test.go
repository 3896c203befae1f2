package session

import (
	"testing"

	"github.com/torque-go/torque/bson"
)

// FuzzUpdate feeds arbitrary replies to Update and the clock: no input may
// panic, and a cluster time that was accepted must be a valid copy.
func FuzzUpdate(f *testing.F) {
	f.Add([]byte(reply(&bson.Timestamp{T: 1, I: 2}, clusterTimeDoc(3, 4), nil)))
	f.Add([]byte(reply(nil, nil, func(d []byte) []byte {
		start, d := bson.AppendDocumentElementStart(d, "cursor")
		d = bson.AppendTimestampElement(d, "atClusterTime", 5, 6)
		d, _ = bson.AppendDocumentEnd(d, start)
		return bson.AppendDocumentElement(d, "recoveryToken", clusterTimeDoc(1, 1))
	})))
	f.Add([]byte{5, 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f, 0x11})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, snapshot := range []bool{false, true} {
			s := &ClientSession{pool: NewPool(nil), snapshot: snapshot}
			s.txn.state = TxnInProgress
			_ = s.Update(bson.Raw(data))
			if ct := s.ClusterTime(); !ct.IsZero() {
				if err := ct.Raw().Validate(); err != nil {
					t.Fatalf("accepted an invalid $clusterTime: %v", err)
				}
			}
		}
		var c Clock
		_ = c.AdvanceFromReply(bson.Raw(data))
	})
}
