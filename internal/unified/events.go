package unified

import (
	"fmt"
	"strings"

	"github.com/torque-go/torque/bson"
)

// checkEvents asserts test.expectEvents: for each client, the command
// events it recorded, in order, against the expected ones.
func (r *run) checkEvents(list bson.RawArray) error {
	for i, v := range list.All() {
		spec, _ := v.Document()
		a := newArgs(spec)
		name := a.str("client")
		c, ok := r.entities.clients[name]
		if err := r.entities.unavailable[name]; err != nil {
			return fmt.Errorf("expectEvents[%d]: %w", i, err)
		}
		if !ok {
			return fmt.Errorf("expectEvents[%d]: no client entity %q", i, name)
		}
		kind := a.str("eventType")
		if kind == "" {
			kind = "command"
		}
		extra := a.boolean("ignoreExtraEvents")
		exp := a.array("events")
		if err := a.done(); err != nil {
			return fmt.Errorf("expectEvents[%d]: %w", i, err)
		}
		var got []event
		for _, e := range c.recorded() {
			if eventType(e.kind) == kind {
				got = append(got, e)
			}
		}
		if err := r.matchEvents(exp, got, extra); err != nil {
			return fmt.Errorf("expectEvents[%d] (%s): %w", i, name, err)
		}
	}
	return nil
}

func (r *run) matchEvents(exp bson.RawArray, got []event, extra bool) error {
	want, err := exp.Values()
	if err != nil {
		return err
	}
	if len(got) < len(want) || !extra && len(got) != len(want) {
		return fmt.Errorf("expected %d events, got %d: %s", len(want), len(got), summary(got))
	}
	m := &matcher{entities: r.entities}
	for i, w := range want {
		doc, _ := w.Document()
		el, err := doc.Index(0)
		if err != nil {
			return err
		}
		g := got[i]
		if el.Key() != g.kind {
			return fmt.Errorf("event %d: expected a %s, got a %s %s", i, el.Key(), g.kind, g.commandName)
		}
		spec, _ := el.Value().Document()
		for key, v := range spec.All() {
			if err := m.eventField(g, key, v); err != nil {
				return fmt.Errorf("event %d (%s %s): %w", i, g.kind, g.commandName, err)
			}
		}
	}
	return nil
}

// eventField asserts one field of an expected event.
func (m *matcher) eventField(g event, key string, v bson.RawValue) error {
	var bad error
	switch key {
	case "command", "reply":
		bad = m.match(key, v, docValue(g.doc), true)
	case "commandName":
		bad = m.match(key, v, strValue(g.commandName), false)
	case "databaseName":
		bad = m.match(key, v, strValue(g.databaseName), false)
	case "hasServerConnectionId":
		if want, _ := v.Boolean(); want != (g.serverConnID != 0) {
			bad = fmt.Errorf("hasServerConnectionId %v, the server connection id is %d", want, g.serverConnID)
		}
	case "hasServiceId":
		if want, _ := v.Boolean(); want != g.serviceID {
			bad = fmt.Errorf("hasServiceId %v, the event has a service id: %v", want, g.serviceID)
		}
	case "reason":
		bad = m.match(key, v, strValue(g.reason), false)
	case "previousDescription":
		bad = descriptionField(key, v, g.prevType)
	case "newDescription":
		bad = descriptionField(key, v, g.newType)
	case "awaited":
		if want, _ := v.Boolean(); want != g.awaited {
			bad = fmt.Errorf("awaited %v, got %v", want, g.awaited)
		}
	case "interruptInUseConnections":
		if want, _ := v.Boolean(); want != g.interrupt {
			bad = fmt.Errorf("interruptInUseConnections %v, got %v", want, g.interrupt)
		}
	default:
		bad = fmt.Errorf("%w: %s.%s", errUnsupported, g.kind, key)
	}
	return bad
}

func strValue(s string) bson.RawValue {
	return result(s).result
}

func summary(evs []event) string {
	var b strings.Builder
	for i, e := range evs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.kind + ":" + e.commandName)
		if e.kind == "commandStartedEvent" {
			b.WriteString(" " + e.doc.String())
		}
	}
	return "[" + b.String() + "]"
}
