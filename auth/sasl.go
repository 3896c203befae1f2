package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
)

// Commander runs one command on the connection being authenticated. The
// pool implements it on its connection; tests implement it with a fake
// server.
//
// cmd is a complete command document that already contains "$db": db (db is
// repeated for implementations that frame the command differently). The
// reply must be the server's whole reply document. A reply with ok:0 may be
// returned as an error (preferred: the pool's server-error type, which
// AuthError wraps) or as a reply; this package checks ok itself too.
//
// This package reads a reply only until its next call to Command, and keeps
// no reference to cmd after Command returns, so both buffers may be reused.
type Commander interface {
	Command(ctx context.Context, db string, cmd []byte) (bson.Raw, error)
}

// saslMechanism is the client side of one SASL conversation.
type saslMechanism interface {
	// start returns the payload of saslStart.
	start() []byte
	// step answers a server challenge.
	step(ctx context.Context, challenge []byte) ([]byte, error)
	// completed reports whether the client has checked all it must (for
	// SCRAM: the server's signature) and needs no further challenge.
	completed() bool
}

// maxSASLRounds bounds a conversation: SCRAM needs at most three replies.
const maxSASLRounds = 8

// runSASL sends saslStart and carries the conversation to its end.
func runSASL(ctx context.Context, c Commander, source, mechanism string, m saslMechanism) error {
	cmd, err := appendSASLStart(nil, mechanism, m.start(), "$db", source)
	if err != nil {
		return err
	}
	reply, err := c.Command(ctx, source, cmd)
	if err != nil {
		return err
	}
	return continueSASL(ctx, c, source, m, reply)
}

// continueSASL carries a conversation on from the reply to saslStart (or
// from the speculativeAuthenticate document of a hello reply).
func continueSASL(ctx context.Context, c Commander, source string, m saslMechanism, reply bson.Raw) error {
	var buf []byte
	for round := 1; ; round++ {
		r, err := parseSASLReply(reply)
		if err != nil {
			return err
		}
		var resp []byte
		if !m.completed() {
			if resp, err = m.step(ctx, r.payload); err != nil {
				return err
			}
		} else if len(r.payload) > 0 {
			return errors.New("server sent a payload after the conversation was complete")
		}
		if r.done {
			if !m.completed() {
				return errors.New("server ended the conversation before proving it knows the password")
			}
			return nil
		}
		if round >= maxSASLRounds {
			return fmt.Errorf("conversation not done after %d rounds", round)
		}
		if buf, err = appendSASLContinue(buf[:0], r.conversationID, resp, source); err != nil {
			return err
		}
		if reply, err = c.Command(ctx, source, buf); err != nil {
			return err
		}
	}
}

// appendSASLStart appends {saslStart: 1, mechanism, payload, options:
// {skipEmptyExchange: true}, <dbKey>: db}. dbKey is "$db" for a command
// and "db" inside a hello's speculativeAuthenticate.
func appendSASLStart(dst []byte, mechanism string, payload []byte, dbKey, db string) ([]byte, error) {
	start, dst := bson.AppendDocumentStart(dst)
	dst = bson.AppendInt32Element(dst, "saslStart", 1)
	dst = bson.AppendStringElement(dst, "mechanism", mechanism)
	dst = bson.AppendBinaryElement(dst, "payload", bson.BinaryGeneric, payload)
	if mechanism == MechanismSCRAMSHA1 || mechanism == MechanismSCRAMSHA256 {
		var opts int
		opts, dst = bson.AppendDocumentElementStart(dst, "options")
		dst = bson.AppendBooleanElement(dst, "skipEmptyExchange", true)
		var err error
		if dst, err = bson.AppendDocumentEnd(dst, opts); err != nil {
			return nil, err
		}
	}
	dst = bson.AppendStringElement(dst, dbKey, db)
	return bson.AppendDocumentEnd(dst, start)
}

// appendSASLContinue appends {saslContinue: 1, conversationId, payload,
// $db}, echoing the conversation id in the type the server used.
func appendSASLContinue(dst []byte, id bson.RawValue, payload []byte, db string) ([]byte, error) {
	start, dst := bson.AppendDocumentStart(dst)
	dst = bson.AppendInt32Element(dst, "saslContinue", 1)
	dst = bson.AppendHeader(dst, id.Type, "conversationId")
	dst = append(dst, id.Value...)
	dst = bson.AppendBinaryElement(dst, "payload", bson.BinaryGeneric, payload)
	dst = bson.AppendStringElement(dst, "$db", db)
	return bson.AppendDocumentEnd(dst, start)
}

type saslReply struct {
	conversationID bson.RawValue
	done           bool
	payload        []byte
}

// parseSASLReply reads {conversationId, done, payload} from a saslStart or
// saslContinue reply. Errors name the field, never its contents.
func parseSASLReply(reply bson.Raw) (saslReply, error) {
	if err := checkOK(reply); err != nil {
		return saslReply{}, err
	}
	var r saslReply
	r.conversationID = reply.Lookup("conversationId")
	switch r.conversationID.Type {
	case bson.TypeInt32, bson.TypeInt64, bson.TypeDouble:
	case 0:
		return saslReply{}, errors.New("server reply has no conversationId")
	default:
		return saslReply{}, fmt.Errorf("server reply: conversationId is a %s, want a number", r.conversationID.Type)
	}
	done, ok := reply.Lookup("done").Boolean()
	if !ok {
		return saslReply{}, errors.New("server reply: done is missing or not a boolean")
	}
	r.done = done
	switch v := reply.Lookup("payload"); v.Type {
	case 0:
		// no payload: an empty one
	case bson.TypeBinary:
		b, ok := v.Binary()
		if !ok {
			return saslReply{}, errors.New("server reply: malformed payload")
		}
		r.payload = b.Data
	default:
		return saslReply{}, fmt.Errorf("server reply: payload is a %s, want binary", v.Type)
	}
	return r, nil
}

// checkOK returns an error for a reply whose ok field is present and not 1,
// for Commanders that hand such replies back rather than an error.
func checkOK(reply bson.Raw) error {
	v := reply.Lookup("ok")
	if v.Type == 0 {
		if _, err := reply.LookupErr("ok"); err != nil && !errors.Is(err, bson.ErrElementNotFound) {
			return fmt.Errorf("malformed server reply: %w", err)
		}
		return nil
	}
	if f, ok := v.AsFloat64(); ok && f == 1 {
		return nil
	}
	msg, _ := reply.Lookup("errmsg").StringValue()
	code, _ := reply.Lookup("code").AsInt64()
	if msg == "" {
		msg = "command failed"
	}
	return &CommandError{Code: int32(code), Message: msg}
}
