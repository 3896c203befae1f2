package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// rsMember is how a NullServer describes itself as a replica-set member:
// the primary is hosts[0], every other member a secondary.
type rsMember struct {
	setName, me string
	hosts       []string
}

// appendMember appends the replica-set fields of a member's hello. No
// topologyVersion: drivers poll (one hello per heartbeat) rather than
// stream.
func appendMember(dst []byte, m *rsMember, primary bool) []byte {
	dst = bson.AppendBooleanElement(dst, "secondary", !primary)
	dst = bson.AppendStringElement(dst, "setName", m.setName)
	dst = bson.AppendInt32Element(dst, "setVersion", 1)
	arr, dst := bson.AppendArrayElementStart(dst, "hosts")
	for i, h := range m.hosts {
		dst = bson.AppendStringElement(dst, bson.ArrayKey(i), h)
	}
	dst, _ = bson.AppendDocumentEnd(dst, arr)
	dst = bson.AppendStringElement(dst, "primary", m.hosts[0])
	return bson.AppendStringElement(dst, "me", m.me)
}

// nullReplicaSet is n NullServers answering hello as the members of
// replica set "rs".
type nullReplicaSet []*NullServer

func newNullReplicaSet(n int) (nullReplicaSet, error) {
	rs := make(nullReplicaSet, 0, n)
	hosts := make([]string, 0, n)
	for range n {
		s, err := listenNullServer(nil, 0)
		if err != nil {
			rs.Close()
			return nil, err
		}
		rs, hosts = append(rs, s), append(hosts, s.Addr())
	}
	for _, s := range rs {
		s.member = &rsMember{setName: "rs", me: s.Addr(), hosts: hosts}
		s.start()
	}
	return rs, nil
}

// URI is a seed list of every member, with heartbeatFrequencyMS hb.
func (rs nullReplicaSet) URI(hb time.Duration) string {
	hosts := make([]string, len(rs))
	for i, s := range rs {
		hosts[i] = s.Addr()
	}
	return fmt.Sprintf("mongodb://%s/?replicaSet=rs&heartbeatFrequencyMS=%d", strings.Join(hosts, ","), hb.Milliseconds())
}

// Hellos is the hello commands all members have received.
func (rs nullReplicaSet) Hellos() int64 {
	var n int64
	for _, s := range rs {
		n += s.Hellos()
	}
	return n
}

func (rs nullReplicaSet) Close() {
	for _, s := range rs {
		s.Close()
	}
}

// heartbeatInterval is the heartbeatFrequencyMS of the heartbeat
// measurement: the smallest the specification allows, so that a short
// window sees several heartbeats per member.
const heartbeatInterval = 500 * time.Millisecond

// scaleHeartbeats: a client connected to a replica set of 1 to 50
// members, doing nothing; the hello commands the members receive per
// second once discovery has settled. One monitor per member polling every
// heartbeatFrequencyMS gives members / 0.5 s; more would mean redundant
// monitoring, and growth faster than the members a quadratic cost.
func scaleHeartbeats(ctx context.Context, o ScalingOptions) (*scalingTable, error) {
	sizes := []float64{1, 3, 5, 10, 20, 50}
	settle, window := 2*heartbeatInterval, 6*heartbeatInterval
	if o.Quick {
		sizes, settle, window = []float64{1, 3}, heartbeatInterval, 2*heartbeatInterval
	}
	t := &scalingTable{title: "Topology size: heartbeats", file: "scaling-heartbeats",
		note: fmt.Sprintf("A client connected to a replica set of NullServers (one primary, the rest secondaries, "+
			"no topologyVersion, so monitors poll) with heartbeatFrequencyMS=%d, running no operation: hello "+
			"commands received by all members per second over %v, counted %v after Connect (discovery and "+
			"handshakes done). One monitor per member gives members / %v.",
			heartbeatInterval.Milliseconds(), window, settle, heartbeatInterval),
		x: "members", xs: sizes, xfmt: fmtRound, plotY: "hellos per second", plotCols: []int{0, 2}}
	type driver struct {
		name    string
		connect func(uri string) (func(), error)
	}
	drivers := []driver{
		{"torque", func(uri string) (func(), error) {
			c, err := client.Connect(ctx, uri)
			if err != nil {
				return nil, err
			}
			return func() { c.Disconnect(ctx) }, nil
		}},
		{"official", func(uri string) (func(), error) {
			c, err := mongo.Connect(options.Client().ApplyURI(uri))
			if err != nil {
				return nil, err
			}
			return func() { c.Disconnect(ctx) }, nil
		}},
	}
	for _, d := range drivers {
		total, per := t.add(d.name+" hellos/s", fmtTenth), t.add("per member", fmtTenth)
		for _, n := range sizes {
			rate, err := heartbeatRate(int(n), settle, window, d.connect)
			if err != nil {
				return nil, fmt.Errorf("heartbeats, %s, %d members: %w", d.name, int(n), err)
			}
			total.vals, per.vals = append(total.vals, rate), append(per.vals, rate/n)
		}
	}
	return t, nil
}

// heartbeatRate connects to a replica set of n members, waits settle,
// and returns the hellos per second its members receive over window.
func heartbeatRate(n int, settle, window time.Duration, connect func(string) (func(), error)) (float64, error) {
	rs, err := newNullReplicaSet(n)
	if err != nil {
		return 0, err
	}
	defer rs.Close()
	disconnect, err := connect(rs.URI(heartbeatInterval))
	if err != nil {
		return 0, err
	}
	defer disconnect()
	time.Sleep(settle)
	before, start := rs.Hellos(), time.Now()
	time.Sleep(window)
	return float64(rs.Hellos()-before) / time.Since(start).Seconds(), nil
}

func fmtTenth(v float64) string { return fmt.Sprintf("%.1f", v) }
