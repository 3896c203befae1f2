package topology

import (
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/torque-go/torque/bson"
)

// ServerDescription is the client's view of one server after its latest
// check (SDAM "ServerDescription"). It is a value: Apply and the other
// functions of this package return new descriptions and never change one
// they were given, so a description may be shared between goroutines.
//
// Optional fields are nil (pointers) or zero when the server did not report
// them. Hosts, Passives and Arbiters are sorted; Tags must not be modified.
type ServerDescription struct {
	Addr Address
	Type ServerType
	Err  error // why the server is Unknown; nil otherwise

	RTT            time.Duration // moving average of check round trips; 0 while Unknown
	MinRTT         time.Duration // minimum of the recent samples
	LastUpdateTime time.Time     // when the check ended (monotonic clock)
	LastWriteDate  time.Time     // the member's last write; zero when unknown
	OpTime         []byte        // the member's last opTime (BSON document), opaque

	Me       Address
	Hosts    []Address
	Passives []Address
	Arbiters []Address
	Tags     map[string]string

	SetName    string
	SetVersion *int64
	ElectionID *bson.ObjectID
	Primary    Address

	LogicalSessionTimeoutMinutes *int64
	MinWireVersion               int32
	MaxWireVersion               int32
	TopologyVersion              *TopologyVersion
	Compression                  []string
	ServiceID                    *bson.ObjectID
	MaxBSONObjectSize            int32
	MaxMessageSizeBytes          int32
	MaxWriteBatchSize            int32
	HelloOK                      bool
	IsCryptd                     bool
}

// NewUnknownServer returns the description of a server not yet checked,
// or whose check failed with err (which may be nil).
func NewUnknownServer(addr Address, err error) ServerDescription {
	return ServerDescription{Addr: addr, Err: err}
}

// NewLoadBalancerServer returns the description of the load balancer at
// addr: in LoadBalanced mode the server is never monitored and has only
// its address and type.
func NewLoadBalancerServer(addr Address) ServerDescription {
	return ServerDescription{Addr: addr, Type: LoadBalancer}
}

// errHelloNotOK is the Err of a description built from an "ok: 0" reply.
var errHelloNotOK = errors.New("hello reply has ok: 0")

// NewServerDescription builds the description of the server at addr from a
// successful check: its hello reply h, the average and minimum round-trip
// times the monitor keeps (see RTTAverage and RTTWindow), and the time the
// check ended. A reply without "ok: 1" gives an Unknown description.
func NewServerDescription(addr Address, h *Hello, rtt, minRTT time.Duration, now time.Time) ServerDescription {
	if !h.OK {
		err := errHelloNotOK
		if h.ErrMsg != "" {
			err = errors.New("hello reply has ok: 0: " + h.ErrMsg)
		}
		return ServerDescription{Addr: addr, Err: err, LastUpdateTime: now}
	}
	sd := ServerDescription{
		Addr:                         addr,
		Type:                         serverTypeOf(h),
		RTT:                          rtt,
		MinRTT:                       minRTT,
		LastUpdateTime:               now,
		LastWriteDate:                h.LastWriteDate,
		OpTime:                       h.OpTime,
		Hosts:                        addresses(h.Hosts),
		Passives:                     addresses(h.Passives),
		Arbiters:                     addresses(h.Arbiters),
		Tags:                         h.Tags,
		SetName:                      h.SetName,
		SetVersion:                   h.SetVersion,
		ElectionID:                   h.ElectionID,
		LogicalSessionTimeoutMinutes: h.LogicalSessionTimeoutMinutes,
		MinWireVersion:               h.MinWireVersion,
		MaxWireVersion:               h.MaxWireVersion,
		TopologyVersion:              h.TopologyVersion,
		Compression:                  h.Compression,
		ServiceID:                    h.ServiceID,
		MaxBSONObjectSize:            orDefault(h.MaxBSONObjectSize, DefaultMaxBSONObjectSize),
		MaxMessageSizeBytes:          orDefault(h.MaxMessageSizeBytes, DefaultMaxMessageSizeBytes),
		MaxWriteBatchSize:            orDefault(h.MaxWriteBatchSize, DefaultMaxWriteBatchSize),
		HelloOK:                      h.HelloOK,
		IsCryptd:                     h.IsCryptd,
	}
	if h.Me != "" {
		sd.Me = NewAddress(h.Me)
	}
	if h.Primary != "" {
		sd.Primary = NewAddress(h.Primary)
	}
	return sd
}

// serverTypeOf applies the SDAM table "parsing a hello response".
func serverTypeOf(h *Hello) ServerType {
	switch {
	case h.IsReplicaSet:
		return RSGhost
	case h.SetName != "":
		switch {
		case h.IsWritablePrimary:
			return RSPrimary
		case h.Hidden:
			return RSOther
		case h.Secondary:
			return RSSecondary
		case h.ArbiterOnly:
			return RSArbiter
		}
		return RSOther
	case h.Msg == "isdbgrid":
		return Mongos
	}
	return Standalone
}

// addresses normalizes and sorts a host list from a hello reply.
func addresses(hosts []string) []Address {
	if len(hosts) == 0 {
		return nil
	}
	out := make([]Address, len(hosts))
	for i, h := range hosts {
		out[i] = NewAddress(h)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func orDefault(v, def int32) int32 {
	if v == 0 {
		return def
	}
	return v
}

// Members returns the server's hosts, passives and arbiters together: its
// opinion of the replica set's membership.
func (sd ServerDescription) Members() []Address {
	out := make([]Address, 0, len(sd.Hosts)+len(sd.Passives)+len(sd.Arbiters))
	out = append(append(append(out, sd.Hosts...), sd.Passives...), sd.Arbiters...)
	return out
}

// hasMember reports whether addr is in the server's hosts, passives or
// arbiters.
func (sd ServerDescription) hasMember(addr Address) bool {
	return slices.Contains(sd.Hosts, addr) || slices.Contains(sd.Passives, addr) ||
		slices.Contains(sd.Arbiters, addr)
}

// Equal reports whether sd and o are equal under the SDAM rule "Server
// Description Equality": the fields that matter to the topology (type, wire
// versions, me, members, tags, set name and version, election id, primary,
// session timeout, topology version, iscryptd and the error) are equal.
// Round-trip times and update times are ignored, so a check that only
// refreshed them publishes no event.
func (sd ServerDescription) Equal(o ServerDescription) bool {
	return sd.Addr == o.Addr && sd.Type == o.Type &&
		sd.MinWireVersion == o.MinWireVersion && sd.MaxWireVersion == o.MaxWireVersion &&
		sd.Me == o.Me && sd.Primary == o.Primary && sd.SetName == o.SetName &&
		slices.Equal(sd.Hosts, o.Hosts) && slices.Equal(sd.Passives, o.Passives) &&
		slices.Equal(sd.Arbiters, o.Arbiters) && maps.Equal(sd.Tags, o.Tags) &&
		equalPtr(sd.SetVersion, o.SetVersion) && equalPtr(sd.ElectionID, o.ElectionID) &&
		equalPtr(sd.LogicalSessionTimeoutMinutes, o.LogicalSessionTimeoutMinutes) &&
		equalTopologyVersion(sd.TopologyVersion, o.TopologyVersion) &&
		sd.IsCryptd == o.IsCryptd && equalErr(sd.Err, o.Err)
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func equalErr(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Error() == b.Error()
}
