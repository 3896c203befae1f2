package topology

import (
	"errors"
	"strconv"
	"time"

	"github.com/torque-go/torque/bson"
)

// ParseHello reads a hello (or legacy isMaster) reply. The document is
// validated first, so malformed bytes give an error with their offset; a
// field the client relies on with the wrong BSON type gives an error that
// names it. Unknown fields are ignored. The Hello keeps no reference to
// reply: strings and sub-documents are copied.
func ParseHello(reply bson.Raw) (Hello, error) {
	var h Hello
	if err := reply.ValidateStructure(); err != nil {
		return h, errors.New("topology: hello reply: " + err.Error())
	}
	sawWritable := false
	for el := range reply.AllElements() {
		key, v := el.KeyBytes(), el.Value()
		var err error
		switch string(key) {
		case "ok":
			var f float64
			f, err = number(v)
			h.OK = f == 1
		case "errmsg":
			h.ErrMsg, err = str(v)
		case "code":
			var n int64
			n, err = integer(v)
			h.Code = int32(n)
		case "isWritablePrimary":
			h.IsWritablePrimary, err = boolean(v)
			sawWritable = true
		case "ismaster":
			if !sawWritable {
				h.IsWritablePrimary, err = boolean(v)
			}
		default:
			err = h.parseMember(string(key), v)
		}
		if err != nil {
			return Hello{}, errors.New("topology: hello reply field " + strconv.Quote(el.Key()) + ": " + err.Error())
		}
	}
	return h, nil
}

// parseMember reads the fields about the server's role and limits.
func (h *Hello) parseMember(key string, v bson.RawValue) (err error) {
	switch key {
	case "helloOk":
		h.HelloOK, err = boolean(v)
	case "secondary":
		h.Secondary, err = boolean(v)
	case "arbiterOnly":
		h.ArbiterOnly, err = boolean(v)
	case "hidden":
		h.Hidden, err = boolean(v)
	case "isreplicaset":
		h.IsReplicaSet, err = boolean(v)
	case "iscryptd":
		h.IsCryptd, err = boolean(v)
	case "msg":
		h.Msg, err = str(v)
	case "setName":
		h.SetName, err = str(v)
	case "setVersion":
		h.SetVersion, err = optInteger(v)
	case "electionId":
		h.ElectionID, err = optObjectID(v)
	case "primary":
		h.Primary, err = str(v)
	case "me":
		h.Me, err = str(v)
	case "hosts":
		h.Hosts, err = stringList(v)
	case "passives":
		h.Passives, err = stringList(v)
	case "arbiters":
		h.Arbiters, err = stringList(v)
	case "tags":
		h.Tags, err = tags(v)
	case "lastWrite":
		err = h.parseLastWrite(v)
	default:
		return h.parseLimits(key, v)
	}
	return err
}

// parseLimits reads wire versions, limits and capabilities.
func (h *Hello) parseLimits(key string, v bson.RawValue) (err error) {
	var n int64
	switch key {
	case "minWireVersion":
		n, err = integer(v)
		h.MinWireVersion = int32(n)
	case "maxWireVersion":
		n, err = integer(v)
		h.MaxWireVersion = int32(n)
	case "maxBsonObjectSize":
		n, err = integer(v)
		h.MaxBSONObjectSize = int32(n)
	case "maxMessageSizeBytes":
		n, err = integer(v)
		h.MaxMessageSizeBytes = int32(n)
	case "maxWriteBatchSize":
		n, err = integer(v)
		h.MaxWriteBatchSize = int32(n)
	case "connectionId":
		h.ConnectionID, err = integer(v)
	case "logicalSessionTimeoutMinutes":
		h.LogicalSessionTimeoutMinutes, err = optInteger(v)
	case "topologyVersion":
		h.TopologyVersion, err = ParseTopologyVersion(v)
	case "serviceId":
		h.ServiceID, err = optObjectID(v)
	case "compression":
		h.Compression, err = stringList(v)
	case "saslSupportedMechs":
		h.SASLSupportedMechs, err = stringList(v)
	case "speculativeAuthenticate":
		h.SpeculativeAuthenticate, err = document(v)
	}
	return err
}

// parseLastWrite reads {lastWriteDate, opTime}.
func (h *Hello) parseLastWrite(v bson.RawValue) error {
	doc, ok := v.Document()
	if !ok {
		return errWant("a document", v)
	}
	if d := doc.Lookup("lastWriteDate"); !d.IsZero() {
		ms, ok := d.DateTime()
		if !ok {
			return errors.New("lastWriteDate: " + errWant("a datetime", d).Error())
		}
		h.LastWriteDate = time.UnixMilli(ms)
	}
	if o := doc.Lookup("opTime"); !o.IsZero() {
		if d, ok := o.Document(); ok {
			h.OpTime = append([]byte(nil), d...)
		}
	}
	return nil
}

// ParseTopologyVersion reads a {processId, counter} document, as found in
// hello replies and state-change errors. A null value gives nil.
func ParseTopologyVersion(v bson.RawValue) (*TopologyVersion, error) {
	if v.Type == bson.TypeNull || v.IsZero() {
		return nil, nil
	}
	doc, ok := v.Document()
	if !ok {
		return nil, errWant("a document", v)
	}
	pid, ok := doc.Lookup("processId").ObjectID()
	if !ok {
		return nil, errors.New("processId: want an ObjectId")
	}
	counter, err := integer(doc.Lookup("counter"))
	if err != nil {
		return nil, errors.New("counter: " + err.Error())
	}
	return &TopologyVersion{ProcessID: pid, Counter: counter}, nil
}

func errWant(what string, v bson.RawValue) error {
	return errors.New("want " + what + ", got " + v.Type.String())
}

func boolean(v bson.RawValue) (bool, error) {
	if b, ok := v.Boolean(); ok {
		return b, nil
	}
	if n, ok := v.AsInt64(); ok { // old servers sent 0/1
		return n != 0, nil
	}
	return false, errWant("a boolean", v)
}

func number(v bson.RawValue) (float64, error) {
	if f, ok := v.AsFloat64(); ok {
		return f, nil
	}
	if b, ok := v.Boolean(); ok {
		if b {
			return 1, nil
		}
		return 0, nil
	}
	return 0, errWant("a number", v)
}

func integer(v bson.RawValue) (int64, error) {
	if n, ok := v.AsInt64(); ok {
		return n, nil
	}
	return 0, errWant("an integer", v)
}

func optInteger(v bson.RawValue) (*int64, error) {
	if v.Type == bson.TypeNull {
		return nil, nil
	}
	n, err := integer(v)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

func optObjectID(v bson.RawValue) (*bson.ObjectID, error) {
	if v.Type == bson.TypeNull {
		return nil, nil
	}
	oid, ok := v.ObjectID()
	if !ok {
		return nil, errWant("an ObjectId", v)
	}
	return &oid, nil
}

func str(v bson.RawValue) (string, error) {
	if v.Type == bson.TypeNull {
		return "", nil
	}
	s, ok := v.StringValue()
	if !ok {
		return "", errWant("a string", v)
	}
	return s, nil
}

func stringList(v bson.RawValue) ([]string, error) {
	arr, ok := v.Array()
	if !ok {
		return nil, errWant("an array", v)
	}
	var out []string
	for i, e := range arr.All() {
		s, ok := e.StringValue()
		if !ok {
			return nil, errors.New("element " + strconv.Itoa(i) + ": " + errWant("a string", e).Error())
		}
		out = append(out, s)
	}
	return out, nil
}

func tags(v bson.RawValue) (map[string]string, error) {
	doc, ok := v.Document()
	if !ok {
		return nil, errWant("a document", v)
	}
	out := map[string]string{}
	for k, e := range doc.All() {
		s, ok := e.StringValue()
		if !ok {
			return nil, errors.New(strconv.Quote(k) + ": " + errWant("a string", e).Error())
		}
		out[k] = s
	}
	return out, nil
}

func document(v bson.RawValue) ([]byte, error) {
	d, ok := v.Document()
	if !ok {
		return nil, errWant("a document", v)
	}
	return append([]byte(nil), d...), nil
}
