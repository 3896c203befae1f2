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
			if resp, err = m.step(ctx, r.Payload); err != nil {
				return err
			}
		} else if len(r.Payload) > 0 {
			return errors.New("server sent a payload after the conversation was complete")
		}
		if r.Done {
			if !m.completed() {
				return errors.New("server ended the conversation before proving it knows the password")
			}
			return nil
		}
		if round >= maxSASLRounds {
			return fmt.Errorf("conversation not done after %d rounds", round)
		}
		if buf, err = appendSASLContinue(buf[:0], r.ConversationID, resp, source); err != nil {
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

// SASLReply is a server's answer to saslStart or saslContinue. Its
// fields alias the reply, valid until the next call to the Commander.
type SASLReply struct {
	ConversationID bson.RawValue // the conversationId, echoed by SASLContinue
	Done           bool
	Payload        []byte
}

// SASLStart sends {saslStart: 1, mechanism, payload} to the database
// source and reads the reply; a refusal (ok: 0) is an error (a
// *CommandError when the Commander returned the reply). It and
// SASLContinue are for the mechanisms registered from their own packages.
func SASLStart(ctx context.Context, c Commander, source, mechanism string, payload []byte) (SASLReply, error) {
	cmd, err := appendSASLStart(nil, mechanism, payload, "$db", source)
	if err != nil {
		return SASLReply{}, err
	}
	return saslRoundTrip(ctx, c, source, cmd)
}

// SASLContinue sends {saslContinue: 1, conversationId, payload}, the
// conversation being the one prev answered, and reads the reply.
func SASLContinue(ctx context.Context, c Commander, source string, prev SASLReply, payload []byte) (SASLReply, error) {
	cmd, err := appendSASLContinue(nil, prev.ConversationID, payload, source)
	if err != nil {
		return SASLReply{}, err
	}
	return saslRoundTrip(ctx, c, source, cmd)
}

// saslRoundTrip sends cmd, a saslStart or saslContinue, and reads the
// reply.
func saslRoundTrip(ctx context.Context, c Commander, source string, cmd []byte) (SASLReply, error) {
	reply, err := c.Command(ctx, source, cmd)
	if err != nil {
		return SASLReply{}, err
	}
	return parseSASLReply(reply)
}

// parseSASLReply reads {conversationId, done, payload} from a saslStart or
// saslContinue reply. Errors name the field, never its contents.
func parseSASLReply(reply bson.Raw) (SASLReply, error) {
	if err := checkOK(reply); err != nil {
		return SASLReply{}, err
	}
	var r SASLReply
	r.ConversationID = reply.Lookup("conversationId")
	switch r.ConversationID.Type {
	case bson.TypeInt32, bson.TypeInt64, bson.TypeDouble:
	case 0:
		return SASLReply{}, errors.New("server reply has no conversationId")
	default:
		return SASLReply{}, fmt.Errorf("server reply: conversationId is a %s, want a number", r.ConversationID.Type)
	}
	done, ok := reply.Lookup("done").Boolean()
	if !ok {
		return SASLReply{}, errors.New("server reply: done is missing or not a boolean")
	}
	r.Done = done
	switch v := reply.Lookup("payload"); v.Type {
	case 0:
		// no payload: an empty one
	case bson.TypeBinary:
		b, ok := v.Binary()
		if !ok {
			return SASLReply{}, errors.New("server reply: malformed payload")
		}
		r.Payload = b.Data
	default:
		return SASLReply{}, fmt.Errorf("server reply: payload is a %s, want binary", v.Type)
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
