package wirehost

import (
	"encoding/binary"
	"maps"
	"slices"
	"time"

	"github.com/torque-go/torque/bson"
)

// Role is what a host plays; it decides the shape of its hello reply.
type Role int

// The roles. A replica-set member's role goes with Hello.SetName.
const (
	Standalone   Role = iota // no setName, isWritablePrimary
	Primary                  // replica-set primary
	Secondary                // replica-set secondary
	Arbiter                  // replica-set arbiter
	Other                    // a member in another state (recovering, removed, ...)
	Ghost                    // a member without a config: isreplicaset: true
	Mongos                   // msg: "isdbgrid"
	LoadBalanced             // a mongos behind a load balancer: serviceId when asked
)

var roleNames = [...]string{"standalone", "primary", "secondary", "arbiter", "other", "ghost", "mongos", "loadBalanced"}

// String names the role.
func (r Role) String() string {
	if r >= 0 && int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "role(?)"
}

// Defaults of a hello reply (MongoDB 7.0's).
const (
	DefaultMaxWireVersion      = 21 // MongoDB 7.0
	DefaultMinWireVersion      = 0
	DefaultMaxBSONObjectSize   = 16 * 1024 * 1024
	DefaultMaxMessageSizeBytes = 48_000_000
	DefaultMaxWriteBatchSize   = 100_000
	DefaultSessionTimeout      = 30 // logicalSessionTimeoutMinutes
)

// Hello is the state a host reports in its hello replies. Zero fields take
// the defaults above; Server.Update changes it at run time.
type Hello struct {
	Role     Role
	SetName  string
	Hosts    []string // data-bearing members ("host:port")
	Passives []string
	Arbiters []string
	Primary  string // this member's opinion of the primary
	Me       string // default: the host's own address (replica-set roles only)

	SetVersion int64         // default 1 for replica-set roles
	ElectionID bson.ObjectID // the primary's; see ElectionID(term)
	Hidden     bool
	Tags       map[string]string
	LastWrite  time.Time // lastWrite.lastWriteDate; default: the host's start

	MinWireVersion int32
	MaxWireVersion int32 // default 21 (7.0)

	// LogicalSessionTimeoutMinutes defaults to 30; negative omits it (a
	// server without sessions).
	LogicalSessionTimeoutMinutes int64
	MaxBSONObjectSize            int32
	MaxMessageSizeBytes          int32
	MaxWriteBatchSize            int32

	// Compressors are what the host offers; a hello answer lists those the
	// client asked for, in the client's order.
	Compressors []string
	// ServiceID is a LoadBalanced host's serviceId (default: a new id).
	ServiceID bson.ObjectID
	// Extra fields are appended to every hello reply as they are.
	Extra bson.D
}

// ElectionID is the electionId a primary of the given term reports. Ids of
// higher terms compare higher, as SDAM requires.
func ElectionID(term int64) bson.ObjectID {
	var id bson.ObjectID
	binary.BigEndian.PutUint32(id[:4], 0x7fffffff)
	binary.BigEndian.PutUint64(id[4:], uint64(term))
	return id
}

// clone copies h deeply enough that the copy can be changed on its own.
func (h Hello) clone() Hello {
	h.Hosts = slices.Clone(h.Hosts)
	h.Passives = slices.Clone(h.Passives)
	h.Arbiters = slices.Clone(h.Arbiters)
	h.Tags = maps.Clone(h.Tags)
	h.Compressors = slices.Clone(h.Compressors)
	h.Extra = slices.Clone(h.Extra)
	return h
}

// withDefaults fills the zero fields; me is the host's own address.
func (h Hello) withDefaults(me string, started time.Time) Hello {
	if h.MaxWireVersion == 0 {
		h.MaxWireVersion = DefaultMaxWireVersion
	}
	if h.LogicalSessionTimeoutMinutes == 0 {
		h.LogicalSessionTimeoutMinutes = DefaultSessionTimeout
	}
	if h.MaxBSONObjectSize == 0 {
		h.MaxBSONObjectSize = DefaultMaxBSONObjectSize
	}
	if h.MaxMessageSizeBytes == 0 {
		h.MaxMessageSizeBytes = DefaultMaxMessageSizeBytes
	}
	if h.MaxWriteBatchSize == 0 {
		h.MaxWriteBatchSize = DefaultMaxWriteBatchSize
	}
	if h.LastWrite.IsZero() {
		h.LastWrite = started
	}
	if h.isMember() {
		if h.Me == "" {
			h.Me = me
		}
		if h.SetVersion == 0 {
			h.SetVersion = 1
		}
	}
	if h.Role == LoadBalanced && h.ServiceID.IsZero() {
		h.ServiceID = bson.NewObjectID()
	}
	return h
}

// isMember reports whether the role belongs to a configured replica set.
func (h *Hello) isMember() bool {
	switch h.Role {
	case Primary, Secondary, Arbiter, Other:
		return true
	}
	return false
}

// writable reports whether the host accepts writes.
func (h *Hello) writable() bool {
	switch h.Role {
	case Standalone, Primary, Mongos, LoadBalanced:
		return true
	}
	return false
}

// topologyVersion is a host's {processId, counter}.
type topologyVersion struct {
	ProcessID bson.ObjectID
	Counter   int64
}

// helloAsk is what the client's hello said that the answer depends on.
type helloAsk struct {
	legacy       bool     // isMaster/ismaster: answer "ismaster", not "isWritablePrimary"
	loadBalanced bool     // loadBalanced: true
	compression  []string // the client's compressors
	connID       int64
	extra        []bson.E // the backend's fields (speculativeAuthenticate, saslSupportedMechs)
}

// helloDoc builds the hello reply of state h.
func helloDoc(h *Hello, tv topologyVersion, ask helloAsk, clock bson.Timestamp) bson.Raw {
	writable := h.writable()
	d := make([]bson.E, 0, 32)
	if ask.legacy {
		d = append(d, bson.KV("ismaster", writable))
	} else {
		d = append(d, bson.KV("isWritablePrimary", writable))
	}
	d = append(d, bson.KV("helloOk", true), bson.KV("topologyVersion", bson.D{bson.KV("processId", tv.ProcessID), bson.KV("counter", tv.Counter)}))
	d = append(d, roleFields(h, clock)...)
	d = append(d,
		bson.KV("maxBsonObjectSize", h.MaxBSONObjectSize),
		bson.KV("maxMessageSizeBytes", h.MaxMessageSizeBytes),
		bson.KV("maxWriteBatchSize", h.MaxWriteBatchSize),
		bson.KV("localTime", bson.NewDateTimeFromTime(time.Now())))
	if h.LogicalSessionTimeoutMinutes > 0 {
		d = append(d, bson.KV("logicalSessionTimeoutMinutes", h.LogicalSessionTimeoutMinutes))
	}
	d = append(d, bson.KV("connectionId", ask.connID),
		bson.KV("minWireVersion", h.MinWireVersion), bson.KV("maxWireVersion", h.MaxWireVersion),
		bson.KV("readOnly", false))
	if agreed := agreedCompressors(h.Compressors, ask.compression); len(agreed) > 0 {
		d = append(d, bson.KV("compression", agreed))
	}
	if h.Role == LoadBalanced && ask.loadBalanced {
		d = append(d, bson.KV("serviceId", h.ServiceID))
	}
	d = append(d, h.Extra...)
	d = append(d, ask.extra...)
	d = append(d, bson.KV("ok", 1.0))
	return Doc(d...)
}

// roleFields are the fields that say what the host is.
func roleFields(h *Hello, clock bson.Timestamp) []bson.E {
	switch h.Role {
	case Mongos, LoadBalanced:
		return []bson.E{bson.KV("msg", "isdbgrid")}
	case Ghost:
		return []bson.E{bson.KV("isreplicaset", true), bson.KV("secondary", false)}
	case Standalone:
		return nil
	}
	d := []bson.E{bson.KV("secondary", h.Role == Secondary), bson.KV("setName", h.SetName), bson.KV("setVersion", h.SetVersion)}
	for _, list := range []struct {
		key   string
		hosts []string
	}{{"hosts", h.Hosts}, {"passives", h.Passives}, {"arbiters", h.Arbiters}} {
		if len(list.hosts) > 0 {
			d = append(d, bson.KV(list.key, list.hosts))
		}
	}
	if h.Primary != "" {
		d = append(d, bson.KV("primary", h.Primary))
	}
	d = append(d, bson.KV("me", h.Me))
	if h.Role == Primary && !h.ElectionID.IsZero() {
		d = append(d, bson.KV("electionId", h.ElectionID))
	}
	if h.Role == Arbiter {
		d = append(d, bson.KV("arbiterOnly", true))
	}
	if h.Hidden {
		d = append(d, bson.KV("hidden", true))
	}
	if len(h.Tags) > 0 {
		tags := make(bson.D, 0, len(h.Tags))
		for _, k := range slices.Sorted(maps.Keys(h.Tags)) {
			tags = append(tags, bson.KV(k, h.Tags[k]))
		}
		d = append(d, bson.KV("tags", tags))
	}
	if h.Role != Arbiter {
		date := bson.NewDateTimeFromTime(h.LastWrite)
		opTime := bson.D{bson.KV("ts", clock), bson.KV("t", int64(1))}
		d = append(d, bson.KV("lastWrite", bson.D{
			bson.KV("opTime", opTime), bson.KV("lastWriteDate", date),
			bson.KV("majorityOpTime", opTime), bson.KV("majorityWriteDate", date)}))
	}
	return d
}

// agreedCompressors are the client's compressors the host offers, in the
// client's order.
func agreedCompressors(offered, asked []string) []string {
	var out []string
	for _, c := range asked {
		if slices.Contains(offered, c) {
			out = append(out, c)
		}
	}
	return out
}
