package driver

import (
	"strconv"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// appendWriteConcern appends "writeConcern: {...}" when wc says anything.
func appendWriteConcern(dst []byte, wc session.WriteConcern) []byte {
	if wc.IsServerDefault() {
		return dst
	}
	start, dst := bson.AppendDocumentElementStart(dst, "writeConcern")
	if wc.W != "" {
		if n, err := strconv.Atoi(wc.W); err == nil {
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
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}

// readPrefToSend returns the read preference to send as $readPreference
// for a read on srv in a topology of type tt, by the Server Selection
// rules, and whether to send one at all.
func readPrefToSend(rp topology.ReadPref, tt topology.TopologyType, st topology.ServerType) (topology.ReadPref, bool) {
	switch {
	case tt == topology.Single && st == topology.Standalone:
		return rp, false
	case tt == topology.Single && st != topology.Mongos && st != topology.LoadBalancer:
		if rp.Mode == topology.Primary {
			return topology.ReadPref{Mode: topology.PrimaryPreferred}, true
		}
		return rp, true
	}
	return rp, rp.Mode != topology.Primary
}

// appendReadPref appends "$readPreference: {mode, tags, maxStalenessSeconds}".
func appendReadPref(dst []byte, rp topology.ReadPref) []byte {
	start, dst := bson.AppendDocumentElementStart(dst, "$readPreference")
	dst = bson.AppendStringElement(dst, "mode", rp.Mode.String())
	if len(rp.TagSets) > 0 {
		var arr int
		arr, dst = bson.AppendArrayElementStart(dst, "tags")
		for i, ts := range rp.TagSets {
			var doc int
			doc, dst = bson.AppendDocumentElementStart(dst, bson.ArrayKey(i))
			for _, t := range ts {
				dst = bson.AppendStringElement(dst, t.Key, t.Value)
			}
			dst, _ = bson.AppendDocumentEnd(dst, doc)
		}
		dst, _ = bson.AppendDocumentEnd(dst, arr)
	}
	if rp.MaxStaleness > 0 {
		dst = bson.AppendInt64Element(dst, "maxStalenessSeconds", int64(rp.MaxStaleness/time.Second))
	}
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}
