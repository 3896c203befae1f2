package pool

import (
	"fmt"
	"strings"
	"sync"
)

// DriverInfoList holds the DriverInfo a client appends after its
// connections' configuration was built (client.Client.AppendDriverInfo).
// Every copy of a ConnConfig shares it by pointer, and each handshake
// reads it: connections established after an append carry it, those
// already open keep what they sent. Its zero value is empty; a nil
// *DriverInfoList is too.
type DriverInfoList struct {
	mu   sync.Mutex
	list []DriverInfo // replaced, never modified in place
}

// Append adds d to cfg's appended DriverInfo (cfg.MoreDriverInfo is l)
// unless it is identical to one of cfg.DriverInfo or of those appended
// before, as the handshake specification asks; empty fields count as unset
// and are compared as such. It reports whether d was added. It refuses a
// field holding the metadata's separator '|', and an info with which the
// client metadata would exceed 512 bytes even with the platform cut (every
// handshake would fail).
func (l *DriverInfoList) Append(cfg *ConnConfig, d DriverInfo) (bool, error) {
	for _, s := range []string{d.Name, d.Version, d.Platform} {
		if strings.Contains(s, "|") {
			return false, fmt.Errorf("pool: driver info %q contains the metadata's separator '|'", s)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, have := range [][]DriverInfo{cfg.DriverInfo, l.list} {
		for _, h := range have {
			if h == d {
				return false, nil
			}
		}
	}
	more := append(l.list[:len(l.list):len(l.list)], d)
	m, err := buildMetadata(cfg, more)
	if err == nil {
		_, err = appendClientMetadata(nil, m)
	}
	if err != nil {
		return false, fmt.Errorf("pool: driver info %q not appended: %w", d.Name, err)
	}
	l.list = more
	return true, nil
}

// get returns the appended DriverInfo, in order; the slice is never
// modified afterwards.
func (l *DriverInfoList) get() []DriverInfo {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.list
}
