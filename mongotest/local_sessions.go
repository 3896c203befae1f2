package mongotest

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
)

// localSessions is the server's logical session cache, which the
// $listLocalSessions stage reads: every lsid a command carried, with its
// user and last use, until endSessions or killAllSessions. A nil
// *localSessions (a transaction's or a lagging read's view of the
// server) records nothing. Safe for concurrent use.
type localSessions struct {
	mu sync.Mutex
	m  map[string]localSession
}

type localSession struct {
	id      bson.Binary
	user    string // "db.name", "" without authentication
	lastUse time.Time
}

func newLocalSessions() *localSessions { return &localSessions{m: map[string]localSession{}} }

// record notes the lsid of c, and forgets the sessions endSessions and
// killAllSessions end.
func (ls *localSessions) record(c *command) {
	if ls == nil {
		return
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	switch c.name {
	case "killAllSessions":
		clear(ls.m)
		return
	case "endSessions":
		list, _ := c.body[0].Value.(bson.A)
		for _, v := range list {
			if id, ok := lookup(asDoc(v), "id").(bson.Binary); ok {
				delete(ls.m, string(id.Data))
			}
		}
		return
	}
	lsid, _ := c.get("lsid").(bson.D)
	if id, ok := lookup(lsid, "id").(bson.Binary); ok {
		ls.m[string(id.Data)] = localSession{id: id, user: c.conn.user, lastUse: timeNow()}
	}
}

func asDoc(v any) bson.D {
	d, _ := v.(bson.D)
	return d
}

// list is the output of {$listLocalSessions: spec} run by user: the
// sessions of that user ({}), of every user (allUsers: true) or of the
// users listed (users: [{user, db}]).
func (ls *localSessions) list(spec any, user string) ([]bson.D, error) {
	d, ok := spec.(bson.D)
	if !ok {
		return nil, typeMismatch("$listLocalSessions", "object", spec)
	}
	want := map[string]bool{user: true}
	for _, e := range d {
		switch e.Key {
		case "allUsers":
			if all, _ := e.Value.(bool); all {
				want = nil
			}
		case "users":
			list, ok := e.Value.(bson.A)
			if !ok {
				return nil, typeMismatch("$listLocalSessions.users", "array", e.Value)
			}
			want = map[string]bool{}
			for _, u := range list {
				name, _ := lookup(asDoc(u), "user").(string)
				db, _ := lookup(asDoc(u), "db").(string)
				want[db+"."+name] = true
			}
		default:
			return nil, cmdErrorf(40415, "Location40415", "BSON field '$listLocalSessions.%s' is an unknown field.", e.Key)
		}
	}
	var out []bson.D
	if ls == nil {
		return out, nil
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for _, s := range ls.m {
		if want == nil || want[s.user] {
			out = append(out, s.doc())
		}
	}
	return out, nil
}

// doc is the session as $listLocalSessions shows it: {_id: {id, uid},
// lastUse, user: {name: "name@db"}}, uid the SHA-256 of the user's name.
func (s localSession) doc() bson.D {
	name := ""
	if s.user != "" {
		db, user := splitUserKey(s.user)
		name = user + "@" + db
	}
	uid := sha256.Sum256([]byte(name))
	d := bson.D{
		bson.KV("_id", bson.D{bson.KV("id", s.id), bson.KV("uid", bson.Binary{Data: uid[:]})}),
		bson.KV("lastUse", bson.NewDateTimeFromTime(s.lastUse)),
	}
	if name != "" {
		d = append(d, bson.KV("user", bson.D{bson.KV("name", name)}))
	}
	return d
}
