package topology

import (
	"time"

	"github.com/torque-go/torque/bson"
)

// Hello is what the client needs from a hello (or legacy isMaster) reply:
// the fields that decide the server's type and role, plus the limits and
// capabilities a connection uses. Optional fields are nil when the reply
// lacks them. ParseHello builds it from the raw reply; it owns no bytes of
// the reply (everything is copied), so it may be kept.
type Hello struct {
	OK     bool   // "ok": 1
	ErrMsg string // "errmsg" when OK is false
	Code   int32  // "code" when OK is false

	IsWritablePrimary bool // "isWritablePrimary", else legacy "ismaster"
	HelloOK           bool // "helloOk": the server understands hello
	Secondary         bool
	ArbiterOnly       bool
	Hidden            bool
	IsReplicaSet      bool   // "isreplicaset": an RSGhost
	Msg               string // "isdbgrid" from a mongos
	IsCryptd          bool   // "iscryptd": a mongocryptd

	SetName    string
	SetVersion *int64
	ElectionID *bson.ObjectID
	Primary    string // the member's opinion of the primary
	Me         string // the member's own name in the set config
	Hosts      []string
	Passives   []string
	Arbiters   []string
	Tags       map[string]string

	LastWriteDate time.Time // "lastWrite.lastWriteDate"; zero when absent
	OpTime        []byte    // "lastWrite.opTime" as a BSON document; nil when absent

	MinWireVersion               int32
	MaxWireVersion               int32
	LogicalSessionTimeoutMinutes *int64
	TopologyVersion              *TopologyVersion
	ServiceID                    *bson.ObjectID // behind a load balancer
	ConnectionID                 int64
	Compression                  []string

	MaxBSONObjectSize   int32 // 0 when absent: use the defaults below
	MaxMessageSizeBytes int32
	MaxWriteBatchSize   int32

	SASLSupportedMechs      []string
	SpeculativeAuthenticate []byte // a BSON document; nil when absent
}

// Server limits a hello reply may omit (MongoDB's long-standing defaults).
const (
	DefaultMaxBSONObjectSize   = 16 * 1024 * 1024
	DefaultMaxMessageSizeBytes = 48_000_000
	DefaultMaxWriteBatchSize   = 100_000
)
