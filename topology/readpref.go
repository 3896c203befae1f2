package topology

import (
	"errors"
	"time"
)

// Mode is a read preference mode.
type Mode uint8

// The read preference modes. The zero Mode is Primary, the default.
const (
	Primary Mode = iota
	PrimaryPreferred
	Secondary
	SecondaryPreferred
	Nearest
)

var modeNames = [...]string{"primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"}

// String returns the mode as it is spelled in $readPreference: "primary",
// "secondaryPreferred", ...
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return "Mode(" + itoa(int64(m)) + ")"
}

// ParseMode reads a mode name, ignoring case ("secondaryPreferred",
// "SecondaryPreferred").
func ParseMode(s string) (Mode, bool) {
	for i, n := range modeNames {
		if equalFold(n, s) {
			return Mode(i), true
		}
	}
	return Primary, false
}

// Tag is one key/value pair of a tag set.
type Tag struct{ Key, Value string }

// TagSet is a read preference tag set: it matches a server whose tags
// include every one of its tags. The empty TagSet matches any server.
type TagSet []Tag

// Matches reports whether the server tags include every tag of ts.
func (ts TagSet) Matches(tags map[string]string) bool {
	for _, t := range ts {
		if v, ok := tags[t.Key]; !ok || v != t.Value {
			return false
		}
	}
	return true
}

// ReadPref is a read preference: a mode, tag sets tried in order, and the
// largest acceptable staleness of a secondary.
//
// MaxStaleness follows the Max Staleness specification's maxStalenessSeconds:
// a positive duration is the limit; NoMaxStaleness (-1s) means no limit, as
// the zero value does unless MaxStalenessSet says that zero was given as a
// value: maxStalenessSeconds 0 is invalid, and so is any other negative
// duration.
type ReadPref struct {
	Mode         Mode
	TagSets      []TagSet
	MaxStaleness time.Duration
	// MaxStalenessSet says MaxStaleness was given (from a URI, a spec test,
	// a user's option), so that an explicit 0 is refused rather than taken
	// for "no limit".
	MaxStalenessSet bool
}

// NoMaxStaleness is maxStalenessSeconds=-1: no limit on staleness.
const NoMaxStaleness = -time.Second

// Constants of the Max Staleness specification.
const (
	// IdleWritePeriod is how often an idle primary writes a no-op.
	IdleWritePeriod = 10 * time.Second
	// SmallestMaxStaleness is the smallest MaxStaleness accepted.
	SmallestMaxStaleness = 90 * time.Second
)

// Validate checks what can be checked without a topology: mode primary
// takes neither tags nor a max staleness.
func (rp ReadPref) Validate() error {
	if rp.Mode > Nearest {
		return errors.New("read preference: unknown mode " + rp.Mode.String())
	}
	if rp.Mode == Primary {
		for _, ts := range rp.TagSets {
			if len(ts) > 0 {
				return errors.New("read preference: mode primary cannot have tag sets")
			}
		}
		if rp.MaxStaleness > 0 {
			return errors.New("read preference: mode primary cannot have maxStalenessSeconds")
		}
	}
	switch {
	case rp.MaxStaleness == 0 && rp.MaxStalenessSet:
		return errors.New("read preference: maxStalenessSeconds 0 is invalid: give a positive number of seconds, or -1 for no maximum")
	case rp.MaxStaleness < 0 && rp.MaxStaleness != NoMaxStaleness:
		return errors.New("read preference: maxStalenessSeconds must be positive, or -1 for no maximum")
	}
	return nil
}

// validateForReplicaSet adds the replica-set rule: a max staleness must be
// at least 90 seconds and at least heartbeatFrequency + IdleWritePeriod.
func (rp ReadPref) validateForReplicaSet(heartbeat time.Duration) error {
	if rp.MaxStaleness <= 0 {
		return nil
	}
	if rp.MaxStaleness < SmallestMaxStaleness {
		return errors.New("read preference: maxStalenessSeconds must be at least 90")
	}
	if rp.MaxStaleness < heartbeat+IdleWritePeriod {
		return errors.New("read preference: maxStalenessSeconds must be at least heartbeatFrequencyMS + 10 seconds")
	}
	return nil
}

// equalFold is ASCII strings.EqualFold.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
