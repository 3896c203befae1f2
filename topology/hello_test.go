package topology

import (
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
)

// primaryHello builds the hello reply of a 7.0 replica-set primary with the
// Append API, the way a server's bytes arrive.
func primaryHello(t testing.TB) bson.Raw {
	t.Helper()
	start, b := bson.AppendDocumentStart(nil)
	b = bson.AppendBooleanElement(b, "helloOk", true)
	b = bson.AppendBooleanElement(b, "isWritablePrimary", true)
	b = bson.AppendBooleanElement(b, "ismaster", false) // ignored: isWritablePrimary wins
	b = bson.AppendStringElement(b, "setName", "rs0")
	b = bson.AppendInt32Element(b, "setVersion", 3)
	b = bson.AppendObjectIDElement(b, "electionId", bson.ObjectID{11: 7})
	b = bson.AppendStringElement(b, "me", "A.example.com:27017")
	b = bson.AppendStringElement(b, "primary", "A.example.com:27017")
	hosts, b := bson.AppendArrayElementStart(b, "hosts")
	b = bson.AppendStringElement(b, "0", "b.example.com:27017")
	b = bson.AppendStringElement(b, "1", "A.example.com:27017")
	b, _ = bson.AppendDocumentEnd(b, hosts)
	tags, b := bson.AppendDocumentElementStart(b, "tags")
	b = bson.AppendStringElement(b, "dc", "ny")
	b, _ = bson.AppendDocumentEnd(b, tags)
	lw, b := bson.AppendDocumentElementStart(b, "lastWrite")
	ot, b := bson.AppendDocumentElementStart(b, "opTime")
	b = bson.AppendTimestampElement(b, "ts", 1, 2)
	b, _ = bson.AppendDocumentEnd(b, ot)
	b = bson.AppendDateTimeElement(b, "lastWriteDate", 1_700_000_000_000)
	b, _ = bson.AppendDocumentEnd(b, lw)
	tv, b := bson.AppendDocumentElementStart(b, "topologyVersion")
	b = bson.AppendObjectIDElement(b, "processId", bson.ObjectID{0: 1})
	b = bson.AppendInt64Element(b, "counter", 6)
	b, _ = bson.AppendDocumentEnd(b, tv)
	b = bson.AppendInt32Element(b, "minWireVersion", 0)
	b = bson.AppendInt32Element(b, "maxWireVersion", 21)
	b = bson.AppendInt32Element(b, "maxBsonObjectSize", 16777216)
	b = bson.AppendInt32Element(b, "logicalSessionTimeoutMinutes", 30)
	b = bson.AppendInt64Element(b, "connectionId", 99)
	b = bson.AppendDoubleElement(b, "ok", 1)
	b, err := bson.AppendDocumentEnd(b, start)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseHelloPrimary(t *testing.T) {
	h, err := ParseHello(primaryHello(t))
	if err != nil {
		t.Fatal(err)
	}
	if !h.OK || !h.IsWritablePrimary || !h.HelloOK || h.SetName != "rs0" {
		t.Fatalf("role fields wrong: %+v", h)
	}
	if h.SetVersion == nil || *h.SetVersion != 3 || h.ElectionID == nil || h.ElectionID[11] != 7 {
		t.Errorf("setVersion/electionId: %v %v", h.SetVersion, h.ElectionID)
	}
	if h.TopologyVersion == nil || h.TopologyVersion.Counter != 6 || h.TopologyVersion.ProcessID[0] != 1 {
		t.Errorf("topologyVersion: %+v", h.TopologyVersion)
	}
	if h.LastWriteDate.UnixMilli() != 1_700_000_000_000 || len(h.OpTime) == 0 {
		t.Errorf("lastWrite: %v %x", h.LastWriteDate, h.OpTime)
	}
	if h.MaxWireVersion != 21 || h.ConnectionID != 99 || *h.LogicalSessionTimeoutMinutes != 30 {
		t.Errorf("limits: %+v", h)
	}

	now := time.Unix(100, 0)
	sd := NewServerDescription(NewAddress("a.example.com"), &h, 5*time.Millisecond, 4*time.Millisecond, now)
	if sd.Type != RSPrimary || sd.Me != "a.example.com:27017" || sd.Primary != "a.example.com:27017" {
		t.Errorf("description: type %v me %q primary %q", sd.Type, sd.Me, sd.Primary)
	}
	want := []Address{"a.example.com:27017", "b.example.com:27017"}
	if len(sd.Hosts) != 2 || sd.Hosts[0] != want[0] || sd.Hosts[1] != want[1] {
		t.Errorf("hosts %v, want sorted lower-case %v", sd.Hosts, want)
	}
	if sd.MaxMessageSizeBytes != DefaultMaxMessageSizeBytes || sd.MaxBSONObjectSize != 16777216 {
		t.Errorf("limits: %d %d", sd.MaxMessageSizeBytes, sd.MaxBSONObjectSize)
	}
	if sd.Tags["dc"] != "ny" || sd.RTT != 5*time.Millisecond || !sd.LastUpdateTime.Equal(now) {
		t.Errorf("tags/rtt/time: %v %v %v", sd.Tags, sd.RTT, sd.LastUpdateTime)
	}
}

func TestParseHelloErrors(t *testing.T) {
	good := primaryHello(t)
	cases := map[string]struct {
		doc  []byte
		want string
	}{
		"truncated":    {good[:len(good)-3], "hello reply"},
		"empty":        {nil, "hello reply"},
		"wrong length": {append([]byte{0xff, 0, 0, 0}, good[4:]...), "hello reply"},
	}
	start, b := bson.AppendDocumentStart(nil)
	b = bson.AppendStringElement(b, "setVersion", "three")
	b, _ = bson.AppendDocumentEnd(b, start)
	cases["setVersion as string"] = struct {
		doc  []byte
		want string
	}{b, `"setVersion": want an integer, got`}
	start, b = bson.AppendDocumentStart(nil)
	hosts, b := bson.AppendArrayElementStart(b, "hosts")
	b = bson.AppendInt32Element(b, "0", 1)
	b, _ = bson.AppendDocumentEnd(b, hosts)
	b, _ = bson.AppendDocumentEnd(b, start)
	cases["host as number"] = struct {
		doc  []byte
		want string
	}{b, `"hosts": element 0: want a string`}

	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseHello(c.doc)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestParseHelloLegacyAndNotOK(t *testing.T) {
	start, b := bson.AppendDocumentStart(nil)
	b = bson.AppendBooleanElement(b, "ismaster", true)
	b = bson.AppendStringElement(b, "msg", "isdbgrid")
	b = bson.AppendInt32Element(b, "maxWireVersion", 17)
	b = bson.AppendInt32Element(b, "ok", 1)
	b, _ = bson.AppendDocumentEnd(b, start)
	h, err := ParseHello(b)
	if err != nil {
		t.Fatal(err)
	}
	if !h.IsWritablePrimary || NewServerDescription("m:27017", &h, 0, 0, time.Time{}).Type != Mongos {
		t.Errorf("legacy mongos reply: %+v", h)
	}

	start, b = bson.AppendDocumentStart(nil)
	b = bson.AppendDoubleElement(b, "ok", 0)
	b = bson.AppendStringElement(b, "errmsg", "command hello requires authentication")
	b = bson.AppendInt32Element(b, "code", 13)
	b, _ = bson.AppendDocumentEnd(b, start)
	h, err = ParseHello(b)
	if err != nil {
		t.Fatal(err)
	}
	sd := NewServerDescription("a:27017", &h, time.Millisecond, 0, time.Time{})
	if h.OK || h.Code != 13 || sd.Type != ServerUnknown || sd.Err == nil ||
		!strings.Contains(sd.Err.Error(), "requires authentication") {
		t.Errorf("ok:0 reply gave %+v, description %v %v", h, sd.Type, sd.Err)
	}
}

func FuzzParseHello(f *testing.F) {
	f.Add([]byte(primaryHello(f)))
	f.Add([]byte{5, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHello(b)
		if err != nil {
			return
		}
		// Whatever parsed must build a description and go through Apply.
		sd := NewServerDescription("a:27017", &h, 0, 0, time.Time{})
		td, _ := New(Config{Seeds: []Address{"a:27017"}})
		_ = Apply(td, sd)
	})
}

func BenchmarkParseHello(b *testing.B) {
	doc := primaryHello(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for i := 0; i < b.N; i++ {
		if _, err := ParseHello(doc); err != nil {
			b.Fatal(err)
		}
	}
}
