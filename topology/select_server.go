package topology

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// ErrSelectionTimeout is the cause of a SelectionError when
// serverSelectionTimeoutMS passed.
var ErrSelectionTimeout = errors.New("server selection timeout")

// SelectServer returns a server suitable for an operation (the Server
// Selection spec's loop): Select on the current description; while nothing
// suits, every monitor is asked for an immediate check and the loop waits
// for the description to change, for at most ServerSelectionTimeout and
// as long as ctx allows. Criteria's zero LocalThreshold and
// HeartbeatFrequency take the topology's options.
//
// The server's in-flight count goes up by one: call its Release when the
// operation is done. Errors are *SelectionError, which say what was wanted
// and what the topology looked like; ErrClosed after Close.
func (t *Topology) SelectServer(ctx context.Context, c Criteria) (SelectedServer, error) {
	s, err := t.selectServer(ctx, c)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// selectServer is SelectServer with the concrete result.
func (t *Topology) selectServer(ctx context.Context, c Criteria) (*Server, error) {
	if c.LocalThreshold == 0 {
		c.LocalThreshold = t.opts.LocalThreshold
	}
	if c.HeartbeatFrequency == 0 {
		c.HeartbeatFrequency = t.opts.heartbeat()
	}
	start := time.Now()
	limit := t.opts.selectionTimeout()
	var timeout <-chan time.Time // started at the first wait: most selections never wait
	for {
		st := t.state.Load()
		if st.closed {
			return nil, ErrClosed
		}
		sd, ok, err := Select(st.desc, c, nil, func(a Address) int {
			if s := st.servers[a]; s != nil {
				return s.InFlight()
			}
			return 0
		})
		if err != nil {
			return nil, &SelectionError{Criteria: c, Topology: st.desc, Waited: time.Since(start), Err: err}
		}
		if s := st.servers[sd.Addr]; ok && s != nil {
			s.ops.Add(1)
			return s, nil
		}
		if limit <= 0 { // serverSelectionTimeoutMS=0: one attempt
			return nil, &SelectionError{Criteria: c, Topology: st.desc, Waited: time.Since(start), Err: ErrSelectionTimeout}
		}
		if timeout == nil {
			timer := time.NewTimer(limit - time.Since(start))
			defer timer.Stop()
			timeout = timer.C
			if c.Waiting != nil {
				c.Waiting(limit-time.Since(start), st.desc)
			}
		}
		t.requestChecks()
		select {
		case <-st.changed:
		case <-ctx.Done():
			return nil, &SelectionError{Criteria: c, Topology: st.desc, Waited: time.Since(start), Err: ctx.Err()}
		case <-timeout:
			st = t.state.Load()
			return nil, &SelectionError{Criteria: c, Topology: st.desc, Waited: time.Since(start), Err: ErrSelectionTimeout}
		}
	}
}

// SelectionError is the failure to find a suitable server: the one error
// type of server selection, whatever ended the wait. Err is
// ErrSelectionTimeout (serverSelectionTimeoutMS passed), the context's
// error, or why no waiting could help (an incompatible server, an invalid
// read preference, a failed mongodb+srv look-up).
//
// Timeout reports whether a time limit ended it, and errors.Is(err,
// context.DeadlineExceeded) is true then, for the context's deadline and
// for serverSelectionTimeoutMS alike.
type SelectionError struct {
	// Op is the operation's command name ("find", "ping"), when the
	// driver set it.
	Op       string
	Criteria Criteria
	Topology TopologyDescription // the last description seen
	Waited   time.Duration
	Err      error
	// Labels are the driver's error labels (TransientTransactionError or
	// UnknownTransactionCommitResult, in a transaction).
	Labels []string
}

// Error says what was wanted, from what, and why it failed, e.g.
//
//	topology: no server for find (read preference secondary) in
//	ReplicaSetNoPrimary{a:27017 Unknown (connection refused), b:27017 RSArbiter} after 30s
func (e *SelectionError) Error() string {
	var b strings.Builder
	b.WriteString("topology: no server for ")
	if e.Op != "" {
		b.WriteString(e.Op + " (" + describeCriteria(e.Criteria) + ")")
	} else {
		b.WriteString(describeCriteria(e.Criteria))
	}
	if len(e.Topology.Servers) > 0 || e.Topology.Type != TopologyUnknown {
		b.WriteString(" in ")
		b.WriteString(describeTopology(e.Topology))
	}
	if errors.Is(e.Err, ErrSelectionTimeout) {
		b.WriteString(" after ")
		b.WriteString(e.Waited.Round(time.Millisecond).String())
		return b.String()
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *SelectionError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, context.DeadlineExceeded) true when
// serverSelectionTimeoutMS passed (the context's own deadline unwraps to
// it anyway).
func (e *SelectionError) Is(target error) bool {
	return target == context.DeadlineExceeded && errors.Is(e.Err, ErrSelectionTimeout)
}

// Timeout reports whether a time limit ended the selection: the
// context's deadline or serverSelectionTimeoutMS.
func (e *SelectionError) Timeout() bool {
	return errors.Is(e.Err, ErrSelectionTimeout) || errors.Is(e.Err, context.DeadlineExceeded)
}

// HasLabel reports whether the driver gave e the label.
func (e *SelectionError) HasLabel(label string) bool { return slices.Contains(e.Labels, label) }

// describeCriteria names what the operation needed.
func describeCriteria(c Criteria) string {
	if c.Only != "" {
		return "the pinned server " + string(c.Only)
	}
	if c.Write {
		return "writes"
	}
	rp := c.ReadPref
	s := "read preference " + rp.Mode.String()
	for _, ts := range rp.TagSets {
		tags := make([]string, len(ts))
		for i, tag := range ts {
			tags[i] = tag.Key + ":" + tag.Value
		}
		s += " tags {" + strings.Join(tags, ",") + "}"
	}
	if rp.MaxStaleness > 0 {
		s += " maxStaleness " + rp.MaxStaleness.String()
	}
	return s
}

// describeTopology summarizes a description: its type and each server's
// address and type, with the error of an Unknown one.
func describeTopology(td TopologyDescription) string {
	var b strings.Builder
	b.WriteString(td.Type.String())
	if td.SetName != "" {
		b.WriteString("(" + td.SetName + ")")
	}
	b.WriteByte('{')
	for i, sd := range td.Servers {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(sd.Addr) + " " + sd.Type.String())
		if sd.Err != nil {
			b.WriteString(" (" + sd.Err.Error() + ")")
		}
	}
	b.WriteByte('}')
	return b.String()
}
