package unified

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/topology"
)

// failPointOps are the testRunner operations that configure a fail point
// on the server (configureFailPoint, a test command mongod offers when
// started with enableTestCommands).
var failPointOps = map[string]bool{"failPoint": true, "targetedFailPoint": true}

// usesFailPoint reports whether a test configures a fail point, in its
// operations or in a withTransaction callback.
func usesFailPoint(test bson.Raw) bool {
	ops, _ := test.Lookup("operations").Array()
	return opsUseFailPoint(ops)
}

func opsUseFailPoint(ops bson.RawArray) bool {
	for _, v := range ops.All() {
		op, _ := v.Document()
		name, _ := op.Lookup("name").StringValue()
		obj, _ := op.Lookup("object").StringValue()
		if obj == "testRunner" && failPointOps[name] {
			return true
		}
		if cb, ok := op.Lookup("arguments", "callback").Array(); ok && opsUseFailPoint(cb) {
			return true
		}
	}
	return false
}

// setFailPoint is a fail point a test configured, to be turned off when
// it ends: by name, on the server at addr (directly), or through the
// client entity that set it when the server cannot be reached directly
// (behind a load balancer).
type setFailPoint struct {
	name string
	addr string
	via  *clientEntity
}

// failPoint runs the failPoint operation: configureFailPoint through a
// client entity, on the server its primary read preference selects.
func (r *run) failPoint(ctx context.Context, a *args) error {
	name := a.str("client")
	cmd := a.doc("failPoint")
	if err := a.done(); err != nil {
		return err
	}
	c, ok := r.entities.clients[name]
	if !ok {
		return fmt.Errorf("no client entity %q", name)
	}
	fpName, _ := cmd.Lookup("configureFailPoint").StringValue()
	primary := client.ReadPref{Mode: topology.Primary}
	err := c.Database("admin").RunCommand(ctx, cmd, client.RunCommandOptions{ReadPreference: &primary}).Err()
	c.mu.Lock()
	addr := c.failPointAddr
	c.mu.Unlock()
	if addr != "" { // sent, so perhaps set: turn it off in any case
		r.failPoints = append(r.failPoints, r.failPointsSet(fpName, addr, c)...)
	}
	if err != nil {
		return fmt.Errorf("configureFailPoint: %w", err)
	}
	return nil
}

// failPointsSet are where a fail point set through client c on addr is
// turned off: addr; behind a load balancer, every mongos it fronts
// directly, or else through c.
func (r *run) failPointsSet(name, addr string, c *clientEntity) []setFailPoint {
	if r.tg.topology != "load-balanced" {
		return []setFailPoint{{name: name, addr: addr}}
	}
	if len(r.tg.dep.ServiceHosts) == 0 {
		return []setFailPoint{{name: name, via: c}}
	}
	var out []setFailPoint
	for _, h := range r.tg.dep.ServiceHosts {
		out = append(out, setFailPoint{name: name, addr: h})
	}
	return out
}

// targetedFailPoint runs the targetedFailPoint operation: configureFailPoint
// on the mongos the session is pinned to, through a client connected to
// it alone (torque has no API to send a command to a chosen server).
// Behind a load balancer, that is the mongos the session's pinned
// connection reaches (service_pin.go), reached directly: the format
// advises against such tests, as a new connection through the load
// balancer may reach another mongos.
func (r *run) targetedFailPoint(ctx context.Context, a *args) error {
	name := a.str("session")
	cmd := a.doc("failPoint")
	if err := a.done(); err != nil {
		return err
	}
	s, ok := r.entities.sessions[name]
	if !ok {
		return fmt.Errorf("no session entity %q", name)
	}
	addr, pinned := s.PinnedServer()
	if !pinned {
		return fmt.Errorf("targetedFailPoint: session %q is not pinned to a mongos", name)
	}
	if r.tg.topology == "load-balanced" { // addr is the load balancer's
		var err error
		if addr, err = r.pinnedService(ctx, name, s); err != nil {
			return fmt.Errorf("targetedFailPoint: %w", err)
		}
	}
	fpName, _ := cmd.Lookup("configureFailPoint").StringValue()
	r.failPoints = append(r.failPoints, setFailPoint{name: fpName, addr: addr})
	if err := r.onServer(ctx, addr, cmd); err != nil {
		return fmt.Errorf("configureFailPoint on %s: %w", addr, err)
	}
	return nil
}

// disableFailPoints turns off every fail point the test set, before its
// client entities are closed.
func (r *run) disableFailPoints(ctx context.Context) error {
	var errs []error
	for _, fp := range r.failPoints {
		off := bson.D{bson.KV("configureFailPoint", fp.name), bson.KV("mode", "off")}
		var err error
		if fp.via != nil {
			err = fp.via.Database("admin").RunCommand(ctx, off).Err()
		} else {
			err = r.onServer(ctx, fp.addr, off)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("turning off fail point %s on %s: %w", fp.name, fp.addr, err))
		}
	}
	r.failPoints = nil
	return errors.Join(errs...)
}

// onServer runs an admin command on one server, through a client directly
// connected to it with the deployment's credentials and options.
func (r *run) onServer(ctx context.Context, addr string, cmd any) error {
	uri, err := directURI(r.tg.dep.URI, addr)
	if err != nil {
		return err
	}
	c, err := client.Connect(ctx, uri)
	if err != nil {
		return err
	}
	defer c.Disconnect(context.Background())
	ctx = client.WithSession(ctx, nil) // not the test's session (targetedFailPoint's argument): another client's
	return c.Database("admin").RunCommand(ctx, cmd).Err()
}

// directURI is uri with addr as its one host, directConnection=true and no
// replicaSet.
func directURI(uri, addr string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("deployment URI: %w", err)
	}
	u.Host = addr
	q := u.Query()
	q.Del("replicaSet")
	q.Del("loadBalanced") // a mongos behind a load balancer, reached directly
	q.Set("directConnection", "true")
	u.RawQuery = q.Encode()
	return u.String(), nil
}
