package unified

import (
	"context"
	"fmt"
	"net/url"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// noteService records, behind a load balancer, the serviceId of the
// connection each session's last command went on (by the command's
// lsid): the mongos a session pinned to a connection reaches, for
// targetedFailPoint.
func (c *clientEntity) noteService(e client.CommandStartedEvent) {
	if e.ServiceID == nil {
		return
	}
	lsid, ok := e.Command.Lookup("lsid").Document()
	if !ok {
		return
	}
	c.mu.Lock()
	if c.services == nil {
		c.services = map[string]bson.ObjectID{}
	}
	c.services[string(lsid)] = *e.ServiceID
	c.mu.Unlock()
}

// serviceOf returns the serviceId noted for a session's lsid by any
// client entity.
func (em *entityMap) serviceOf(lsid bson.Raw) (bson.ObjectID, bool) {
	for _, c := range em.clients {
		c.mu.Lock()
		id, ok := c.services[string(lsid)]
		c.mu.Unlock()
		if ok {
			return id, true
		}
	}
	return bson.ObjectID{}, false
}

// pinnedService returns the address of the mongos, behind the load
// balancer, that the connection session name is pinned to reaches: the
// service host whose serviceId is the one of that connection. A new
// connection through the load balancer may reach any mongos, so the
// fail point goes to the mongos directly.
func (r *run) pinnedService(ctx context.Context, name string, s *client.Session) (string, error) {
	lsid := s.ID()
	if lsid == nil {
		return "", fmt.Errorf("session %q has run no command", name)
	}
	id, ok := r.entities.serviceOf(lsid)
	if !ok {
		return "", fmt.Errorf("no command of session %q named the serviceId of its connection", name)
	}
	if len(r.tg.dep.ServiceHosts) == 0 {
		return "", fmt.Errorf("session %q is pinned to service %s behind the load balancer, and the deployment names no mongos to reach it directly", name, id)
	}
	for _, h := range r.tg.dep.ServiceHosts {
		sid, err := r.serviceID(ctx, h)
		if err != nil {
			return "", err
		}
		if sid == id {
			return h, nil
		}
	}
	return "", fmt.Errorf("no mongos behind the load balancer (%v) has the serviceId %s of session %q's connection", r.tg.dep.ServiceHosts, id, name)
}

// serviceID asks the mongos at addr for its serviceId: a client in
// load-balanced mode connected to it alone sees it in the handshake,
// and its commands' events carry it.
func (r *run) serviceID(ctx context.Context, addr string) (bson.ObjectID, error) {
	u, err := url.Parse(r.tg.dep.URI)
	if err != nil {
		return bson.ObjectID{}, fmt.Errorf("deployment URI: %w", err)
	}
	u.Host = addr
	var id bson.ObjectID
	mon := client.MonitorFuncs{OnStarted: func(e client.CommandStartedEvent) {
		if e.ServiceID != nil {
			id = *e.ServiceID
		}
	}}
	c, err := client.Connect(ctx, u.String(), client.Options{Monitor: mon})
	if err != nil {
		return id, err
	}
	defer c.Disconnect(context.Background())
	ctx = client.WithSession(ctx, nil)
	if err := c.Database("admin").RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Err(); err != nil {
		return id, fmt.Errorf("ping %s: %w", addr, err)
	}
	if id.IsZero() {
		return id, fmt.Errorf("the mongos at %s gave no serviceId", addr)
	}
	return id, nil
}
