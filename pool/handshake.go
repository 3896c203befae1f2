package pool

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// handshake runs the hello (handshake spec) and then authentication.
//
// The first message is a legacy isMaster over OP_QUERY unless the Stable
// API is declared, the pool is load balanced, or the server is known to
// speak OP_MSG hello (cfg.HelloOK); then it is an OP_MSG hello. Either way
// it carries helloOk: true, the client metadata, the compressors offered,
// and what authentication needs: saslSupportedMechs when no mechanism is
// configured, speculativeAuthenticate when the mechanism has a speculative
// form.
func (c *Conn) handshake(ctx context.Context, cfg *ConnConfig) error {
	var spec *auth.Speculative
	if cfg.Credential != nil {
		var err error
		c.auth = &connAuth{cred: cfg.Credential, api: cfg.ServerAPI, state: auth.ConnState{Host: c.addr}}
		if spec, err = auth.Speculate(*cfg.Credential, &c.auth.state); err != nil {
			return &ConnError{Addr: c.addr, Stage: StageAuth, Err: err}
		}
	}
	legacy := cfg.ServerAPI == nil && !cfg.LoadBalanced && !cfg.HelloOK
	hb := wire.GetBuffer() // the hello document; Command frames it in c.wbuf
	defer wire.PutBuffer(hb)
	cmd, err := appendHello((*hb)[:0], cfg, legacy, spec)
	*hb = cmd[:0]
	if err != nil {
		return &ConnError{Addr: c.addr, Stage: StageHello, Err: err}
	}
	began := time.Now()
	reply, err := c.helloRoundTrip(ctx, cmd, legacy)
	if err != nil {
		return err
	}
	d, err := parseHello(reply, cfg)
	if err != nil {
		return &ConnError{Addr: c.addr, Stage: StageHello, Sent: true, Err: err}
	}
	d.Address, d.RTT = c.addr, time.Since(began)
	if cfg.ZlibLevel != nil {
		c.zlibLevel = *cfg.ZlibLevel
	}
	c.setDescription(d)
	if cfg.Credential == nil {
		return c.checkAlive(ctx, StageHello)
	}
	cmdr := &handshakeCommander{c: c, api: cfg.ServerAPI}
	if spec != nil {
		err = spec.Finish(ctx, cmdr, d.Hello, &c.auth.state)
	} else {
		err = auth.Authenticate(ctx, cmdr, *cfg.Credential, d.Hello, &c.auth.state)
	}
	if err != nil {
		return &ConnError{Addr: c.addr, Stage: StageAuth, Sent: true, ServiceID: d.ServiceID, Err: err}
	}
	return c.checkAlive(ctx, StageAuth)
}

// checkAlive fails a handshake whose last round trip succeeded while its
// context ended: the connection is dead (see expired) and must not be
// handed out as established.
func (c *Conn) checkAlive(ctx context.Context, stage Stage) error {
	if !c.dead.Load() {
		return nil
	}
	cause := ctx.Err()
	if cause == nil {
		cause = errors.New("connection closed")
	}
	return &ConnError{Addr: c.addr, Stage: stage, Sent: true,
		Err: fmt.Errorf("%w: the context ended as the handshake finished", cause)}
}

// helloRoundTrip sends the hello and returns the reply document (in the
// connection's buffer), validated.
func (c *Conn) helloRoundTrip(ctx context.Context, cmd []byte, legacy bool) (bson.Raw, error) {
	if !legacy {
		reply, err := c.Command(ctx, "admin", cmd)
		if err != nil {
			return nil, stageHello(err)
		}
		return reply, nil
	}
	if c.cbuf == nil {
		c.cbuf = wire.GetBuffer()
	}
	reqID := wire.NextRequestID()
	msg, err := wire.AppendQuery((*c.cbuf)[:0], reqID, &wire.Query{
		FullCollectionName: "admin.$cmd", NumberToReturn: -1, Query: cmd,
	})
	if err != nil {
		return nil, &ConnError{Addr: c.addr, Stage: StageHello, Err: err}
	}
	*c.cbuf = msg[:0]
	if err := c.WriteMessage(ctx, msg); err != nil {
		return nil, stageHello(err)
	}
	h, raw, err := c.ReadMessage(ctx)
	if err != nil {
		return nil, stageHello(err)
	}
	c.awaiting = false
	reply, err := legacyReply(h, raw, reqID)
	if err != nil {
		return nil, c.fail(StageHello, true, err)
	}
	return reply, nil
}

// stageHello relabels a round-trip error as the hello's.
func stageHello(err error) error {
	var ce *ConnError
	if errors.As(err, &ce) {
		ce.Stage = StageHello
		ce.Sent = true
	}
	return err
}

// legacyReply checks the OP_REPLY to the first isMaster and returns its
// document.
func legacyReply(h wire.Header, msg []byte, reqID int32) (bson.Raw, error) {
	if h.OpCode != wire.OpReply {
		return nil, fmt.Errorf("reply to OP_QUERY isMaster is an %s, want OP_REPLY", h.OpCode)
	}
	if err := wire.CheckResponseTo(h, reqID); err != nil {
		return nil, err
	}
	r, err := wire.ParseReply(msg)
	if err != nil {
		return nil, err
	}
	doc, _, ok := r.Documents.Next()
	if !ok {
		return nil, errors.New("OP_REPLY to isMaster holds no document")
	}
	reply := bson.Raw(doc)
	if err := reply.ValidateStructure(); err != nil {
		return nil, err
	}
	if r.Flags&wire.QueryFailure != 0 {
		msg, _ := reply.Lookup("$err").StringValue()
		return nil, &CommandError{Message: msg}
	}
	return reply, nil
}

// appendHello appends the handshake command document.
func appendHello(dst []byte, cfg *ConnConfig, legacy bool, spec *auth.Speculative) ([]byte, error) {
	md, err := newMetadata(cfg)
	if err != nil {
		return dst, err
	}
	start, dst := bson.AppendDocumentStart(dst)
	if legacy {
		dst = bson.AppendInt32Element(dst, "isMaster", 1)
	} else {
		dst = bson.AppendInt32Element(dst, "hello", 1)
	}
	dst = bson.AppendBooleanElement(dst, "helloOk", true)
	dst = bson.AppendStringElement(dst, "backpressure", "2") // the client backpressure spec's version
	if dst, err = appendClientMetadata(dst, md); err != nil {
		return dst, err
	}
	arr, dst := bson.AppendArrayElementStart(dst, "compression")
	n := 0
	for _, name := range cfg.Compressors {
		if id, ok := wire.ParseCompressor(name); ok && id.Registered() {
			dst = bson.AppendStringElement(dst, bson.ArrayKey(n), name)
			n++
		}
	}
	if dst, err = bson.AppendDocumentEnd(dst, arr); err != nil {
		return dst, err
	}
	if cfg.LoadBalanced {
		dst = bson.AppendBooleanElement(dst, "loadBalanced", true)
	}
	if cfg.Credential != nil {
		if mechs := auth.SASLSupportedMechs(*cfg.Credential); mechs != "" {
			dst = bson.AppendStringElement(dst, "saslSupportedMechs", mechs)
		}
		if spec != nil {
			dst = bson.AppendDocumentElement(dst, "speculativeAuthenticate", spec.Document())
		}
	}
	if !legacy {
		dst = appendAPIFields(dst, cfg.ServerAPI)
		dst = bson.AppendStringElement(dst, "$db", "admin")
	}
	return bson.AppendDocumentEnd(dst, start)
}

// appendAPIFields appends the Stable API fields, if any.
func appendAPIFields(dst []byte, api *ServerAPI) []byte {
	if api == nil {
		return dst
	}
	dst = bson.AppendStringElement(dst, "apiVersion", api.Version)
	if api.Strict {
		dst = bson.AppendBooleanElement(dst, "apiStrict", true)
	}
	if api.DeprecationErrors {
		dst = bson.AppendBooleanElement(dst, "apiDeprecationErrors", true)
	}
	return dst
}

// parseHello reads the handshake reply: ok, limits, wire versions, ids, the
// negotiated compressor. The returned Description holds a copy of reply.
func parseHello(reply bson.Raw, cfg *ConnConfig) (Description, error) {
	if !isOK(reply.Lookup("ok")) {
		code, _ := reply.Lookup("code").AsInt64()
		name, _ := reply.Lookup("codeName").StringValue()
		msg, _ := reply.Lookup("errmsg").StringValue()
		return Description{}, &CommandError{Code: int32(code), CodeName: name, Message: msg}
	}
	d := Description{Hello: bytes.Clone(reply)}
	i32 := func(key string) int32 {
		v, _ := reply.Lookup(key).AsInt64()
		return int32(v)
	}
	d.MinWireVersion, d.MaxWireVersion = i32("minWireVersion"), i32("maxWireVersion")
	d.MaxBSONObjectSize, d.MaxMessageSizeBytes = i32("maxBsonObjectSize"), i32("maxMessageSizeBytes")
	d.MaxWriteBatchSize = i32("maxWriteBatchSize")
	d.ConnectionID, _ = reply.Lookup("connectionId").AsInt64()
	d.HelloOK, _ = reply.Lookup("helloOk").Boolean()
	if oid, ok := reply.Lookup("serviceId").ObjectID(); ok {
		d.ServiceID = &oid
	}
	if cfg.LoadBalanced && d.ServiceID == nil {
		// The load balancer specification prescribes this message.
		//lint:ignore ST1005 the spec's wording, capital included
		return Description{}, errors.New("Driver attempted to initialize in load balancing mode, but the server does not support this mode: loadBalanced is set but the hello reply has no serviceId")
	}
	if d.MaxWireVersion < 6 {
		return Description{}, fmt.Errorf("server reports maxWireVersion %d; OP_MSG needs 6 (MongoDB 3.6) or later", d.MaxWireVersion)
	}
	d.Compressor = chooseCompressor(cfg.Compressors, reply.Lookup("compression"))
	return d, nil
}

// The largest limits a hello may claim: MongoDB's own. A server that
// claims more is not believed (a lying maxMessageSizeBytes would let one
// reply make the connection allocate up to 2 GB).
const (
	maxHelloMessageSize = wire.DefaultMaxMessageSize // 48,000,000
	maxHelloBSONSize    = defaultMaxBSONObjectSize   // 16 MiB
)

// boundLimits caps the limits of a hello reply at MongoDB's own; zero or
// negative ones become the defaults later (setDescription).
func boundLimits(d *Description) {
	d.MaxMessageSizeBytes = min(d.MaxMessageSizeBytes, maxHelloMessageSize)
	d.MaxBSONObjectSize = min(d.MaxBSONObjectSize, maxHelloBSONSize)
}

// chooseCompressor returns the first of ours, registered with wire, that
// the server also lists.
func chooseCompressor(ours []string, theirs bson.RawValue) string {
	arr, ok := theirs.Array()
	if !ok {
		return ""
	}
	for _, name := range ours {
		if id, known := wire.ParseCompressor(name); !known || !id.Registered() {
			continue
		}
		for _, v := range arr.All() {
			if s, ok := v.StringValue(); ok && s == name {
				return name
			}
		}
	}
	return ""
}

// isOK reports whether an "ok" field says success (1, 1.0 or true).
func isOK(v bson.RawValue) bool {
	if f, ok := v.Double(); ok {
		return f == 1
	}
	if i, ok := v.AsInt64(); ok {
		return i == 1
	}
	b, _ := v.Boolean()
	return b
}

// handshakeCommander runs the authentication commands on c, adding the
// Stable API fields when declared.
type handshakeCommander struct {
	c   *Conn
	api *ServerAPI
	buf []byte
}

func (h *handshakeCommander) Command(ctx context.Context, db string, cmd []byte) (bson.Raw, error) {
	if h.api == nil {
		return h.c.Command(ctx, db, cmd)
	}
	if len(cmd) < 5 || cmd[len(cmd)-1] != 0 {
		return nil, errors.New("pool: malformed command document")
	}
	doc := append(h.buf[:0], cmd[:len(cmd)-1]...)
	doc = appendAPIFields(doc, h.api)
	doc = append(doc, 0)
	binary.LittleEndian.PutUint32(doc, uint32(len(doc)))
	h.buf = doc
	return h.c.Command(ctx, db, doc)
}
