package bson

import "testing"

type probeP *probeP

func TestProbePtrCycle(t *testing.T) {
	doc, _ := Marshal(D{KV("p", int32(1))})
	var s struct{ P probeP `bson:"p"` }
	err := Unmarshal(doc, &s)
	t.Logf("unmarshal: %v", err)
	var p probeP
	b, err := Marshal(struct{ P probeP }{&p})
	t.Logf("marshal: %x %v", b, err)
}
