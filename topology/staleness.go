package topology

import (
	"slices"
	"time"
)

// staleness estimates how far secondary s lags (Max Staleness spec):
// against the primary p when one is known,
//
//	(S.lastUpdateTime - S.lastWriteDate) - (P.lastUpdateTime - P.lastWriteDate) + heartbeat
//
// else against smax, the secondary with the newest lastWriteDate,
//
//	SMax.lastWriteDate - S.lastWriteDate + heartbeat.
func staleness(s, p, smax *ServerDescription, heartbeat time.Duration) time.Duration {
	if p != nil {
		return s.LastUpdateTime.Sub(s.LastWriteDate) - p.LastUpdateTime.Sub(p.LastWriteDate) + heartbeat
	}
	return smax.LastWriteDate.Sub(s.LastWriteDate) + heartbeat
}

// filterStale keeps the candidates whose staleness is at most max, in
// place, measured against the primary or the freshest secondary among all
// the topology's servers. Only secondaries can be stale; others pass.
func filterStale(all []ServerDescription, candidates []*ServerDescription, max, heartbeat time.Duration) []*ServerDescription {
	if max <= 0 {
		return candidates
	}
	var primary, smax *ServerDescription
	for i := range all {
		s := &all[i]
		switch {
		case s.Type == RSPrimary:
			primary = s
		case s.Type == RSSecondary && (smax == nil || s.LastWriteDate.After(smax.LastWriteDate)):
			smax = s
		}
	}
	return slices.DeleteFunc(candidates, func(s *ServerDescription) bool {
		return s.Type == RSSecondary && staleness(s, primary, smax, heartbeat) > max
	})
}
