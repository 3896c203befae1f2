package unified

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/clock"
	"github.com/torque-go/torque/topology"
)

// sdamListener records a client entity's SDAM events (the observed ones)
// and keeps its latest topology description (recordTopologyDescription,
// waitForPrimaryChange), observed or not.
func (c *clientEntity) sdamListener() topology.Listener {
	return topology.ListenerFunc(func(e topology.Event) {
		var ev event
		switch e := e.(type) {
		case topology.TopologyOpening:
			ev = event{kind: "topologyOpeningEvent"}
		case topology.TopologyClosed:
			ev = event{kind: "topologyClosedEvent"}
		case topology.TopologyDescriptionChanged:
			c.mu.Lock()
			c.topology = e.New
			c.mu.Unlock()
			ev = event{kind: "topologyDescriptionChangedEvent", prevType: e.Previous.Type.String(), newType: e.New.Type.String()}
		case topology.ServerOpening:
			ev = event{kind: "serverOpeningEvent", address: string(e.Addr)}
		case topology.ServerClosed:
			ev = event{kind: "serverClosedEvent", address: string(e.Addr)}
		case topology.ServerDescriptionChanged:
			ev = event{kind: "serverDescriptionChangedEvent", address: string(e.Addr),
				prevType: e.Previous.Type.String(), newType: e.New.Type.String()}
		case topology.ServerHeartbeatStarted:
			ev = event{kind: "serverHeartbeatStartedEvent", address: string(e.Addr), awaited: e.Awaited}
		case topology.ServerHeartbeatSucceeded:
			ev = event{kind: "serverHeartbeatSucceededEvent", address: string(e.Addr), awaited: e.Awaited}
		case topology.ServerHeartbeatFailed:
			ev = event{kind: "serverHeartbeatFailedEvent", address: string(e.Addr), awaited: e.Awaited}
		default:
			return
		}
		c.record(ev)
	})
}

// currentTopology is the client's latest topology description.
func (c *clientEntity) currentTopology() topology.TopologyDescription {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.topology
}

// descriptionField asserts previousDescription or newDescription of an
// SDAM event: only its type can be asserted ({} matches any).
func descriptionField(key string, v bson.RawValue, got string) error {
	doc, ok := v.Document()
	if !ok {
		return fmt.Errorf("%s: expected a document, got %s", key, v)
	}
	for k, tv := range doc.All() {
		if k != "type" {
			return fmt.Errorf("%w: %s.%s", errUnsupported, key, k)
		}
		if want, _ := tv.StringValue(); want != got {
			return fmt.Errorf("%s.type %s, want %s", key, got, want)
		}
	}
	return nil
}

// sdamOp runs the testRunner operations of SDAM and threads.
func (r *run) sdamOp(ctx context.Context, name string, a *args) outcome {
	switch name {
	case "waitForEvent", "assertEventCount":
		return outcome{err: r.countEvents(ctx, a, name == "waitForEvent")}
	case "recordTopologyDescription":
		c, err := r.clientArg(a, "client")
		id := a.str("id")
		if err == nil {
			err = a.done()
		}
		if err == nil {
			r.entities.topologies[id] = c.currentTopology()
		}
		return outcome{err: err}
	case "assertTopologyType":
		return outcome{err: r.assertTopologyType(a)}
	case "waitForPrimaryChange":
		return outcome{err: r.waitForPrimaryChange(ctx, a)}
	case "runOnThread", "waitForThread":
		return outcome{err: r.threadOp(ctx, name, a)}
	}
	return outcome{err: fmt.Errorf("%w: testRunner operation %q", errUnsupportedOp, name)}
}

// clientArg is the client entity an argument names.
func (r *run) clientArg(a *args, key string) (*clientEntity, error) {
	name := a.str(key)
	c, ok := r.entities.clients[name]
	if !ok {
		return nil, fmt.Errorf("no client entity %q", name)
	}
	return c, nil
}

// waitTimeout bounds waitForEvent, waitForThread and waitForPrimaryChange.
// The format suggests 10 seconds; a streaming hello held for the default
// heartbeatFrequencyMS (10 s) meets a fail point only when it answers, as
// on mongod, so the wait is longer.
const waitTimeout = 20 * time.Second

// countEvents runs waitForEvent (wait until the client has recorded at
// least count matching events) or assertEventCount (exactly count now).
func (r *run) countEvents(ctx context.Context, a *args, wait bool) error {
	c, err := r.clientArg(a, "client")
	spec := a.doc("event")
	want := a.int64("count")
	if err == nil {
		err = a.done()
	}
	if err != nil {
		return err
	}
	el, err := spec.Index(0)
	if err != nil {
		return fmt.Errorf("event: %w", err)
	}
	fields, _ := el.Value().Document()
	m := &matcher{entities: r.entities}
	count := func() (int64, error) {
		var n int64
		for _, e := range c.recorded() {
			if e.kind != el.Key() {
				continue
			}
			ok, err := m.eventMatches(e, fields)
			if err != nil {
				return 0, err
			}
			if ok {
				n++
			}
		}
		return n, nil
	}
	deadline := time.Now().Add(waitTimeout)
	for {
		n, err := count()
		switch {
		case err != nil:
			return err
		case !wait && n != want:
			return fmt.Errorf("%d %s events %s recorded, want %d: %s", n, el.Key(), fields, want, summary(c.recorded()))
		case !wait || n >= want:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("waitForEvent: %d %s events %s after %v, want %d: %s", n, el.Key(), fields, waitTimeout, want, summary(c.recorded()))
		}
		if err := clock.Sleep(ctx, 10*time.Millisecond); err != nil {
			return fmt.Errorf("waitForEvent %s: %w", el.Key(), err)
		}
	}
}

// eventMatches reports whether an event has every field of spec; an
// unsupported field is an error.
func (m *matcher) eventMatches(e event, spec bson.Raw) (bool, error) {
	for key, v := range spec.All() {
		if err := m.eventField(e, key, v); err != nil {
			if errors.Is(err, errUnsupported) {
				return false, err
			}
			return false, nil
		}
	}
	return true, nil
}

func (r *run) assertTopologyType(a *args) error {
	id := a.str("topologyDescription")
	want := a.str("topologyType")
	if err := a.done(); err != nil {
		return err
	}
	td, ok := r.entities.topologies[id]
	if !ok {
		return fmt.Errorf("no topology description entity %q", id)
	}
	if got := td.Type.String(); got != want {
		return fmt.Errorf("topology type %s, want %s", got, want)
	}
	return nil
}

// waitForPrimaryChange waits until the client's topology has a primary
// other than the one of priorTopologyDescription (any, if it had none).
func (r *run) waitForPrimaryChange(ctx context.Context, a *args) error {
	c, err := r.clientArg(a, "client")
	id := a.str("priorTopologyDescription")
	timeout := waitTimeout
	if a.has("timeoutMS") {
		timeout = time.Duration(a.int64("timeoutMS")) * time.Millisecond
	}
	if err == nil {
		err = a.done()
	}
	if err != nil {
		return err
	}
	prior, ok := r.entities.topologies[id]
	if !ok {
		return fmt.Errorf("no topology description entity %q", id)
	}
	old := primaryOf(prior)
	deadline := time.Now().Add(timeout)
	for {
		if p := primaryOf(c.currentTopology()); p != "" && p != old {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waitForPrimaryChange: the primary is still %q after %v", old, timeout)
		}
		if err := clock.Sleep(ctx, 10*time.Millisecond); err != nil {
			return err
		}
	}
}

func primaryOf(td topology.TopologyDescription) topology.Address {
	for _, sd := range td.Servers {
		if sd.Type == topology.RSPrimary {
			return sd.Addr
		}
	}
	return ""
}

// closeClient runs close on a client entity: Disconnect (the entity's
// events stay readable for expectEvents).
func closeClient(ctx context.Context, c *client.Client, a *args) outcome {
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return outcome{err: c.Disconnect(ctx)}
}
