package bson

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"sync/atomic"
	"time"
)

// ObjectID is the 12-byte identifier MongoDB gives documents by default:
// a 4-byte big-endian timestamp in seconds, 5 random bytes chosen once per
// process, and a 3-byte big-endian counter that starts at a random value
// (the ObjectID specification).
type ObjectID [12]byte

// NilObjectID is the zero ObjectID.
var NilObjectID ObjectID

// oidProcess is the per-process random value; oidCounter the counter whose
// low 24 bits go into each new ObjectID.
var (
	oidProcess = readRandom5()
	oidCounter = readRandomCounter()
)

func readRandom5() (b [5]byte) {
	// crypto/rand.Read never returns an error since Go 1.24 and panics
	// rather than return short reads; on older runtimes the error would
	// leave zeros, which are still valid ObjectID bytes.
	_, _ = rand.Read(b[:])
	return b
}

func readRandomCounter() *atomic.Uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	c := new(atomic.Uint32)
	c.Store(binary.BigEndian.Uint32(b[:]))
	return c
}

// NewObjectID returns a new ObjectID for the current time. It is safe for
// concurrent use; ObjectIDs from one process never repeat within a second
// unless more than 2^24 are made in it.
func NewObjectID() ObjectID {
	return NewObjectIDFromTimestamp(time.Now())
}

// NewObjectIDFromTimestamp returns a new ObjectID whose timestamp is t
// (seconds; the fraction is dropped).
func NewObjectIDFromTimestamp(t time.Time) ObjectID {
	var oid ObjectID
	binary.BigEndian.PutUint32(oid[0:4], uint32(t.Unix()))
	copy(oid[4:9], oidProcess[:])
	n := oidCounter.Add(1)
	oid[9], oid[10], oid[11] = byte(n>>16), byte(n>>8), byte(n)
	return oid
}

// ObjectIDFromHex parses the 24 hexadecimal digits of an ObjectID.
func ObjectIDFromHex(s string) (ObjectID, error) {
	var oid ObjectID
	if len(s) != 24 {
		return oid, errors.New("bson: ObjectID hex must be 24 characters, got " + strconv.Itoa(len(s)))
	}
	if _, err := hex.Decode(oid[:], []byte(s)); err != nil {
		return NilObjectID, errors.New("bson: invalid ObjectID hex " + strconv.Quote(s))
	}
	return oid, nil
}

// Hex returns the 24 lower-case hexadecimal digits of the ObjectID.
func (id ObjectID) Hex() string {
	var buf [24]byte
	hex.Encode(buf[:], id[:])
	return string(buf[:])
}

// String returns `ObjectID("…hex…")`, the shell's notation.
func (id ObjectID) String() string {
	return `ObjectID("` + id.Hex() + `")`
}

// Timestamp returns the time encoded in the first four bytes, in UTC.
func (id ObjectID) Timestamp() time.Time {
	return time.Unix(int64(binary.BigEndian.Uint32(id[0:4])), 0).UTC()
}

// IsZero reports whether id is the zero ObjectID.
func (id ObjectID) IsZero() bool { return id == NilObjectID }

// MarshalText returns the hex form; it makes ObjectID usable as a JSON map key.
func (id ObjectID) MarshalText() ([]byte, error) {
	var buf [24]byte
	hex.Encode(buf[:], id[:])
	return buf[:], nil
}

// UnmarshalText parses the hex form. Empty text leaves the zero ObjectID.
func (id *ObjectID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*id = NilObjectID
		return nil
	}
	oid, err := ObjectIDFromHex(string(b))
	if err != nil {
		return err
	}
	*id = oid
	return nil
}

// MarshalJSON returns the hex form as a JSON string.
func (id ObjectID) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 26)
	b = append(b, '"')
	b = hex.AppendEncode(b, id[:])
	return append(b, '"'), nil
}

// UnmarshalJSON accepts a JSON string of hex digits, the Extended JSON
// object {"$oid": "…"}, or null (which leaves id unchanged).
func (id *ObjectID) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if len(b) > 0 && b[0] == '{' {
		var obj struct {
			OID *string `json:"$oid"`
		}
		if err := json.Unmarshal(b, &obj); err != nil || obj.OID == nil {
			return errors.New(`bson: ObjectID JSON object must be {"$oid": "<24 hex digits>"}`)
		}
		s = *obj.OID
	} else if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("bson: ObjectID JSON must be a string of 24 hex digits")
	}
	oid, err := ObjectIDFromHex(s)
	if err != nil {
		return err
	}
	*id = oid
	return nil
}
