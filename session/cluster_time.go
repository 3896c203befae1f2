package session

import (
	"bytes"
	"errors"
	"sync"

	"github.com/torque-go/torque/bson"
)

// ClusterTime is a $clusterTime document as a server sent it:
// {clusterTime: Timestamp, signature: {hash, keyId}}. The zero value means
// "none". A ClusterTime owns a private copy of its bytes and never changes,
// so it may be shared freely.
type ClusterTime struct {
	doc bson.Raw
	ts  bson.Timestamp
}

// ParseClusterTime copies doc, a $clusterTime document, and reads its
// clusterTime timestamp.
func ParseClusterTime(doc bson.Raw) (ClusterTime, error) {
	if err := doc.Validate(); err != nil {
		return ClusterTime{}, errors.New("session: $clusterTime: " + err.Error())
	}
	t, i, ok := doc.Lookup("clusterTime").Timestamp()
	if !ok {
		return ClusterTime{}, errors.New("session: $clusterTime has no clusterTime timestamp")
	}
	return ClusterTime{doc: bytes.Clone(doc), ts: bson.Timestamp{T: t, I: i}}, nil
}

// ClusterTimeFromReply returns the reply's top-level $clusterTime, or the
// zero ClusterTime when there is none.
func ClusterTimeFromReply(reply bson.Raw) (ClusterTime, error) {
	v := reply.Lookup("$clusterTime")
	if v.IsZero() {
		return ClusterTime{}, nil
	}
	doc, ok := v.Document()
	if !ok {
		return ClusterTime{}, errors.New("session: $clusterTime in reply is a " + v.Type.String() + ", not a document")
	}
	return ParseClusterTime(doc)
}

// IsZero reports whether ct is "no cluster time".
func (ct ClusterTime) IsZero() bool { return ct.doc == nil }

// Timestamp returns the clusterTime field.
func (ct ClusterTime) Timestamp() bson.Timestamp { return ct.ts }

// Raw returns the document to send as $clusterTime. Do not modify it.
func (ct ClusterTime) Raw() bson.Raw { return ct.doc }

// After reports whether ct is later than other. Any cluster time is later
// than none; the signature does not take part.
func (ct ClusterTime) After(other ClusterTime) bool {
	if ct.IsZero() {
		return false
	}
	return other.IsZero() || timestampAfter(ct.ts, other.ts)
}

// MaxClusterTime returns the later of a and b (a when they are equal).
func MaxClusterTime(a, b ClusterTime) ClusterTime {
	if b.After(a) {
		return b
	}
	return a
}

// timestampAfter compares BSON timestamps: seconds first, then increment.
func timestampAfter(a, b bson.Timestamp) bool {
	return a.T > b.T || (a.T == b.T && a.I > b.I)
}

// Clock is the highest cluster time a client has seen in server replies.
// It is safe for concurrent use; the zero value is ready.
type Clock struct {
	mu sync.Mutex
	ct ClusterTime
}

// Get returns the highest cluster time seen so far (zero if none).
func (c *Clock) Get() ClusterTime {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ct
}

// Advance keeps ct if it is later than the current one. Only cluster times
// received from servers may advance a client's clock (sessions have their
// own, see ClientSession.AdvanceClusterTime).
func (c *Clock) Advance(ct ClusterTime) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ct.After(c.ct) {
		c.ct = ct
	}
}

// AdvanceFromReply advances the clock with the reply's $clusterTime, if it
// has one.
func (c *Clock) AdvanceFromReply(reply bson.Raw) error {
	ct, err := ClusterTimeFromReply(reply)
	if err != nil || ct.IsZero() {
		return err
	}
	c.Advance(ct)
	return nil
}
