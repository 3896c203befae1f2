package mockserver

import (
	"testing"

	"github.com/torque-go/torque/internal/wirehost"
)

// The types of the host machinery, under their mockserver names.
type (
	Server            = wirehost.Server
	Options           = wirehost.Options
	Hello             = wirehost.Hello
	Role              = wirehost.Role
	Request           = wirehost.Request
	Reply             = wirehost.Reply
	Handler           = wirehost.Handler
	Action            = wirehost.Action
	FailPoint         = wirehost.FailPoint
	WriteError        = wirehost.WriteError
	Log               = wirehost.Log
	Store             = wirehost.Store
	ReplicaSet        = wirehost.ReplicaSet
	ReplicaSetOptions = wirehost.ReplicaSetOptions
)

// The roles a host plays.
const (
	Standalone   = wirehost.Standalone
	Primary      = wirehost.Primary
	Secondary    = wirehost.Secondary
	Arbiter      = wirehost.Arbiter
	Other        = wirehost.Other
	Ghost        = wirehost.Ghost
	Mongos       = wirehost.Mongos
	LoadBalanced = wirehost.LoadBalanced
)

// The actions of a reply or a fail point.
const (
	Answer               = wirehost.Answer
	CloseBeforeRead      = wirehost.CloseBeforeRead
	CloseAfterRead       = wirehost.CloseAfterRead
	CloseAfterApply      = wirehost.CloseAfterApply
	Hang                 = wirehost.Hang
	WriteRaw             = wirehost.WriteRaw
	ReplyGarbage         = wirehost.ReplyGarbage
	ReplyTruncated       = wirehost.ReplyTruncated
	ReplyBadBSON         = wirehost.ReplyBadBSON
	ReplyWrongResponseTo = wirehost.ReplyWrongResponseTo
)

// Defaults of a hello reply (MongoDB 7.0's).
const (
	DefaultMaxWireVersion      = wirehost.DefaultMaxWireVersion
	DefaultMinWireVersion      = wirehost.DefaultMinWireVersion
	DefaultMaxBSONObjectSize   = wirehost.DefaultMaxBSONObjectSize
	DefaultMaxMessageSizeBytes = wirehost.DefaultMaxMessageSizeBytes
	DefaultMaxWriteBatchSize   = wirehost.DefaultMaxWriteBatchSize
	DefaultSessionTimeout      = wirehost.DefaultSessionTimeout
)

// Start starts a host. Stop it with Close.
func Start(opts Options) (*Server, error) { return wirehost.Start(opts) }

// New starts a host for test t and closes it when the test ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	return wirehost.New(t, opts)
}

// StartReplicaSet starts a replica set. Stop it with Close.
func StartReplicaSet(opts ReplicaSetOptions) (*ReplicaSet, error) {
	return wirehost.StartReplicaSet(opts)
}

// NewReplicaSet starts a replica set for test t and closes it when the
// test ends.
func NewReplicaSet(t testing.TB, opts ReplicaSetOptions) *ReplicaSet {
	t.Helper()
	return wirehost.NewReplicaSet(t, opts)
}

// The reply helpers and constructors; see package wirehost.
var (
	Doc               = wirehost.Doc
	OK                = wirehost.OK
	Error             = wirehost.Error
	CursorReply       = wirehost.CursorReply
	NextBatch         = wirehost.NextBatch
	WriteErrors       = wirehost.WriteErrors
	WriteConcernError = wirehost.WriteConcernError
	NewLog            = wirehost.NewLog
	NewStore          = wirehost.NewStore
	ElectionID        = wirehost.ElectionID
)
