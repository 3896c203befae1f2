package mongotest

import (
	"github.com/torque-go/torque/bson"
)

func init() {
	commands["saslStart"] = cmdSpec{run: (*Server).saslStart, noAuth: true}
	commands["saslContinue"] = cmdSpec{run: (*Server).saslContinue, noAuth: true}
	commands["logout"] = cmdSpec{run: (*Server).logout, noAuth: true}
	commands["createUser"] = cmdSpec{run: (*Server).createUser, fields: []string{"pwd", "roles", "mechanisms", "customData", "digestPassword"}}
	commands["dropUser"] = cmdSpec{run: (*Server).dropUser, fields: []string{}}
}

func (s *Server) saslStart(c *command) (bson.D, error) {
	mech, _ := c.get("mechanism").(string)
	payload, ok := c.get("payload").(bson.Binary)
	if !ok {
		return nil, typeMismatch("saslStart.payload", "binData", c.get("payload"))
	}
	conv, serverFirst, err := s.scramStart(c.db, mech, payload.Data)
	if err != nil {
		return nil, err
	}
	if opts, ok := c.get("options").(bson.D); ok {
		conv.skipEmpty, _ = lookup(opts, "skipEmptyExchange").(bool)
	}
	c.conn.sasl = conv
	return saslReply(serverFirst, false), nil
}

func saslReply(payload []byte, done bool) bson.D {
	return bson.D{bson.KV("conversationId", int32(1)), bson.KV("done", done),
		bson.KV("payload", bson.Binary{Data: payload})}
}

func (s *Server) saslContinue(c *command) (bson.D, error) {
	conv := c.conn.sasl
	if conv == nil {
		return nil, cmdErrorf(17, "ProtocolError", "No SASL session state found")
	}
	payload, ok := c.get("payload").(bson.Binary)
	if !ok {
		return nil, typeMismatch("saslContinue.payload", "binData", c.get("payload"))
	}
	if conv.step == 2 { // the empty exchange of clients that do not skip it
		c.conn.sasl = nil
		c.conn.user = conv.user.db + "." + conv.user.name
		return saslReply(nil, true), nil
	}
	final, err := conv.finish(payload.Data)
	if err != nil {
		c.conn.sasl = nil
		return nil, err
	}
	if conv.skipEmpty {
		c.conn.sasl = nil
		c.conn.user = conv.user.db + "." + conv.user.name
	}
	return saslReply(final, conv.skipEmpty), nil
}

// speculative answers a hello's speculativeAuthenticate (an embedded
// saslStart); nil when it cannot start, so that the client authenticates
// the ordinary way and gets the error then.
func (s *Server) speculative(st *connState, spec bson.Raw) bson.D {
	mech, _ := spec.Lookup("mechanism").StringValue()
	db, _ := spec.Lookup("db").StringValue()
	payload, ok := spec.Lookup("payload").Binary()
	if !ok {
		return nil
	}
	conv, serverFirst, err := s.scramStart(db, mech, payload.Data)
	if err != nil {
		return nil
	}
	conv.skipEmpty = true // speculative conversations always skip it
	st.sasl = conv
	return saslReply(serverFirst, false)
}

func (s *Server) logout(c *command) (bson.D, error) {
	c.conn.user, c.conn.sasl = "", nil
	return bson.D{}, nil
}

func (s *Server) createUser(c *command) (bson.D, error) {
	name, ok := c.body[0].Value.(string)
	if !ok {
		return nil, typeMismatch("createUser.createUser", "string", c.body[0].Value)
	}
	pwd, ok := c.get("pwd").(string)
	if !ok {
		return nil, badValue("mongotest supports only users with a password (pwd)")
	}
	var mechs []string
	if arr, ok := c.get("mechanisms").(bson.A); ok {
		for _, v := range arr {
			m, _ := v.(string)
			mechs = append(mechs, m)
		}
	}
	return bson.D{}, s.users.add(User{Name: name, Password: pwd, Source: c.db, Mechanisms: mechs})
}

func (s *Server) dropUser(c *command) (bson.D, error) {
	name, ok := c.body[0].Value.(string)
	if !ok {
		return nil, typeMismatch("dropUser.dropUser", "string", c.body[0].Value)
	}
	if !s.users.remove(c.db, name) {
		return nil, cmdErrorf(11, "UserNotFound", "User '%s@%s' not found", name, c.db)
	}
	return bson.D{}, nil
}
