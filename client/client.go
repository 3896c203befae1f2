package client

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
	"github.com/torque-go/torque/wire"
)

// Client is a handle to a MongoDB deployment: its servers' connection
// pools, its sessions and its defaults. It is safe for concurrent use;
// make one per deployment and share it.
type Client struct {
	opts     Options
	dep      *deployment
	sessions *session.Pool
	clock    *session.Clock
	x        *driver.Executor
	// timeout is timeoutMS (nil: unset), which databases inherit.
	timeout *time.Duration

	// disconnected is set once by Disconnect; every operation reads it
	// (checkConnected) without a lock.
	disconnected atomic.Bool
}

// Connect returns a Client for the deployment that uri (a mongodb:// or
// mongodb+srv:// connection string, or "" to use opts alone) and opts
// describe; the fields of opts that are set override the URI's. Connect
// does no I/O: servers (and, for mongodb+srv, the DNS records) are reached
// by the first operation, whose errors say what went wrong (use Ping to
// check at once). Pass at most one Options.
func Connect(ctx context.Context, uri string, opts ...Options) (*Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(opts) > 1 {
		return nil, errors.New("client: Connect takes at most one Options")
	}
	o, err := connectOptions(uri, opts)
	if err != nil {
		return nil, err
	}
	if err := o.prepareAuth(); err != nil {
		return nil, err
	}
	dep := newDeployment(func(ctx context.Context) (*topology.Topology, error) {
		t, err := o.resolveSRV(ctx)
		if err != nil {
			return nil, err
		}
		return topology.Open(t)
	}, o.srvTimeout())
	if o.srv == nil { // opening does no I/O: do it now, so that errors show in Connect
		t, err := topology.Open(o.topologyOptions())
		if err != nil {
			return nil, err
		}
		dep.t.Store(t)
	}
	c := &Client{opts: o, dep: dep, sessions: session.NewPool(nil), clock: &session.Clock{}, timeout: clientTimeout(o.Timeout)}
	c.x = o.executor(dep, c.sessions, c.clock)
	return c, nil
}

// connectOptions merges the URI's options and opts, checks them, reports
// the URI's warnings (errors with StrictURI) and detects the environment
// for the handshake.
func connectOptions(uri string, opts []Options) (Options, error) {
	var o Options
	if uri != "" {
		var err error
		if o, err = ParseURI(uri); err != nil {
			return Options{}, err
		}
	}
	if len(opts) == 1 {
		warnings := append(o.Warnings[:len(o.Warnings):len(o.Warnings)], opts[0].Warnings...)
		o = o.merge(opts[0])
		o.Warnings = warnings
	}
	if err := o.validate(); err != nil {
		return Options{}, err
	}
	if o.StrictURI && len(o.Warnings) > 0 {
		return Options{}, errStrictURI(o.Warnings)
	}
	if l := o.logger(); l != nil {
		for _, w := range o.Warnings {
			l.LogAttrs(context.Background(), slog.LevelWarn, "URI option ignored", slog.String("warning", w))
		}
		for _, w := range unregisteredCompressors(o.Compressors) {
			l.LogAttrs(context.Background(), slog.LevelWarn, "compressor not offered", slog.String("warning", w))
		}
	}
	o.env = pool.DetectEnv()
	o.moreDriverInfo = new(pool.DriverInfoList)
	return o, nil
}

// srvTimeout bounds one attempt at the mongodb+srv look-ups:
// serverSelectionTimeoutMS, or its default when it is zero or negative
// (DNS has no "do not wait").
func (o *Options) srvTimeout() time.Duration {
	if o.ServerSelectionTimeout > 0 {
		return o.ServerSelectionTimeout
	}
	return topology.DefaultServerSelectionTimeout
}

// Disconnect ends the client's server sessions on the server (one
// endSessions, errors ignored), closes every connection (those in use
// too) and waits, within ctx, until every goroutine the client started has
// returned. Operations in flight and after Disconnect fail with
// ErrClientDisconnected; Disconnect never waits for a mongodb+srv DNS
// look-up. Disconnect is idempotent.
func (c *Client) Disconnect(ctx context.Context) error {
	if !c.disconnected.CompareAndSwap(false, true) {
		return nil
	}
	c.endSessions(ctx)
	return c.dep.close(ctx)
}

// endSessions sends endSessions for the pooled server sessions, on a
// server that is known already, and ignores the outcome.
func (c *Client) endSessions(ctx context.Context) {
	batches := c.sessions.Drain()
	if len(batches) == 0 || !hasDataBearing(c.dep.description()) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	for _, ids := range batches {
		op := &driver.Operation{Name: "endSessions", DB: "admin", Kind: driver.Command, NoSession: true,
			ReadPref: ReadPref{Mode: topology.PrimaryPreferred},
			Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
				return session.AppendEndSessions(dst, ids), nil
			}}
		_ = c.x.Execute(ctx, op)
	}
}

// hasDataBearing reports whether a server that could take endSessions is
// known now (Disconnect does not wait for one).
func hasDataBearing(td topology.TopologyDescription) bool {
	for _, s := range td.Servers {
		if s.Type.DataBearing() {
			return true
		}
	}
	return false
}

// execute runs op with the client's timeoutMS (see executeWith).
func (c *Client) execute(ctx context.Context, op *driver.Operation) error {
	return c.executeWith(ctx, op, c.timeout)
}

// executeWith runs op with the timeoutMS that applies (timeout.go), handle
// being that of the database or collection it runs on.
func (c *Client) executeWith(ctx context.Context, op *driver.Operation, handle *time.Duration) error {
	if err := applyTimeout(ctx, op, handle); err != nil {
		return err
	}
	return c.run(ctx, op)
}

// run runs op with the explicit session of ctx, if any. It builds the
// command first, before any I/O, so that bad arguments (a filter that is
// not a document, say) fail at once, even with no server reachable; the
// executor sends the built bytes (Operation.Built) with each attempt and
// batch.
func (c *Client) run(ctx context.Context, op *driver.Operation) error {
	if err := c.checkConnected(); err != nil {
		return err
	}
	if s := sessionFrom(ctx); s != nil {
		if s.client != c {
			return errSessionOfOtherClient
		}
		op.Session = s.cs
	}
	buf := wire.GetBuffer()
	body, err := op.Command((*buf)[:0], nil)
	defer func() {
		if cap(body) > cap(*buf) {
			*buf = body[:0] // keep the grown buffer
		}
		wire.PutBuffer(buf)
	}()
	if err != nil {
		return err
	}
	op.Built = body
	return c.x.Execute(ctx, op)
}

// Ping runs {ping: 1} on a server selected by the client's read
// preference: a quick check that the deployment is reachable.
func (c *Client) Ping(ctx context.Context) error {
	rp := c.opts.ReadPreference
	return c.Database("admin").RunCommand(ctx, bson.D{bson.KV("ping", 1)}, RunCommandOptions{ReadPreference: &rp}).Err()
}

// Database returns a handle for the database name, with the client's read
// preference and concerns unless opts say otherwise. No I/O.
func (c *Client) Database(name string, opts ...CollectionOptions) *Database {
	db := &Database{client: c, name: name, rp: c.opts.ReadPreference, rc: c.opts.ReadConcern, wc: c.opts.WriteConcern,
		timeout: c.timeout, enc: c.enc(), dec: &c.opts.Decoder}
	if len(opts) > 0 {
		db.rp, db.rc, db.wc = opts[0].apply(db.rp, db.rc, db.wc)
		db.timeout = opts[0].timeoutOr(db.timeout)
		db.enc, db.dec = opts[0].encoderOr(db.enc), opts[0].decoderOr(db.dec)
	}
	return db
}

// DatabaseSpec describes one database in ListDatabases.
type DatabaseSpec struct {
	Name       string `bson:"name"`
	SizeOnDisk int64  `bson:"sizeOnDisk"`
	Empty      bool   `bson:"empty"`
}

// ListDatabasesOptions are the options of ListDatabases.
type ListDatabasesOptions struct {
	// NameOnly asks the server for names only (faster, fewer locks).
	NameOnly bool
	// AuthorizedDatabases lists only the databases the user may read.
	AuthorizedDatabases *bool
	Comment             any
}

// ListDatabases lists the deployment's databases matching filter (nil
// for all).
func (c *Client) ListDatabases(ctx context.Context, filter any, opts ...ListDatabasesOptions) ([]DatabaseSpec, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	var out []DatabaseSpec
	op := &driver.Operation{Name: "listDatabases", DB: "admin", Kind: driver.Read, Retryable: true,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			dst = bson.AppendInt32Element(dst, "listDatabases", 1)
			dst, err := appendOptionalDoc(dst, c.enc(), "filter", filter)
			if err != nil {
				return dst, err
			}
			if o.NameOnly {
				dst = bson.AppendBooleanElement(dst, "nameOnly", true)
			}
			if o.AuthorizedDatabases != nil {
				dst = bson.AppendBooleanElement(dst, "authorizedDatabases", *o.AuthorizedDatabases)
			}
			return appendValue(dst, c.enc(), "comment", o.Comment)
		},
		Handle: func(r *driver.Reply) error {
			var res struct {
				Databases []DatabaseSpec `bson:"databases"`
			}
			if err := bson.Unmarshal(r.Doc, &res); err != nil {
				return err
			}
			out = res.Databases
			return nil
		}}
	return out, c.execute(ctx, op)
}

// ListDatabaseNames lists the names of the databases matching filter.
func (c *Client) ListDatabaseNames(ctx context.Context, filter any) ([]string, error) {
	specs, err := c.ListDatabases(ctx, filter, ListDatabasesOptions{NameOnly: true})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return names, nil
}

// single returns the one options value of a variadic options parameter,
// the zero value when none was given, and an error for more than one.
func single[T any](opts []T) (T, error) {
	var zero T
	switch len(opts) {
	case 0:
		return zero, nil
	case 1:
		return opts[0], nil
	}
	return zero, errors.New("client: pass at most one options value")
}

// checkConnected fails after Disconnect. It is one atomic load: an
// operation that passes it while Disconnect runs is ended by the closing
// deployment instead (ErrClientDisconnected from its server selection,
// checkout or round trip), as one that was in flight already.
func (c *Client) checkConnected() error {
	if c.disconnected.Load() {
		return ErrClientDisconnected
	}
	return nil
}
