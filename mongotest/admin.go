package mongotest

import (
	"os"

	"github.com/torque-go/torque/bson"
)

func init() {
	commands["ping"] = cmdSpec{run: ok, fields: []string{}, noAuth: true}
	commands["buildInfo"] = cmdSpec{run: (*Server).buildInfo, noAuth: true}
	commands["buildinfo"] = commands["buildInfo"]
	commands["serverStatus"] = cmdSpec{run: (*Server).serverStatus}
	commands["endSessions"] = cmdSpec{run: ok}
	commands["killAllSessions"] = cmdSpec{run: ok}
	commands["killSessions"] = cmdSpec{run: ok}
	commands["refreshSessions"] = cmdSpec{run: ok}
	commands["connectionStatus"] = cmdSpec{run: (*Server).connectionStatus, noAuth: true}
	commands["whatsmyuri"] = cmdSpec{run: ok, noAuth: true}
	commands["getCmdLineOpts"] = cmdSpec{run: (*Server).getCmdLineOpts}
}

func ok(*Server, *command) (bson.D, error) { return bson.D{}, nil }

func (s *Server) buildInfo(*command) (bson.D, error) {
	return bson.D{bson.KV("version", Version), bson.KV("gitVersion", "mongotest"),
		bson.KV("modules", bson.A{}), bson.KV("allocator", "system"), bson.KV("javascriptEngine", "none"),
		bson.KV("sysInfo", "deprecated"), bson.KV("versionArray", bson.A{int32(8), int32(0), int32(0), int32(0)}),
		bson.KV("bits", int32(64)), bson.KV("debug", false), bson.KV("maxBsonObjectSize", int32(maxDocBytes)),
		bson.KV("storageEngines", bson.A{"mongotest"})}, nil
}

func (s *Server) serverStatus(*command) (bson.D, error) {
	up := timeNow().Sub(s.started)
	host, _ := os.Hostname()
	return bson.D{bson.KV("host", host), bson.KV("version", Version), bson.KV("process", "mongod"),
		bson.KV("pid", int64(os.Getpid())), bson.KV("uptime", up.Seconds()), bson.KV("uptimeMillis", up.Milliseconds()),
		bson.KV("localTime", bson.NewDateTimeFromTime(timeNow())),
		bson.KV("connections", bson.D{bson.KV("current", int32(s.host.OpenConnections())),
			bson.KV("totalCreated", int32(s.host.ConnectionsAccepted()))}),
		bson.KV("storageEngine", bson.D{bson.KV("name", "mongotest"), bson.KV("persistent", false)})}, nil
}

func (s *Server) connectionStatus(c *command) (bson.D, error) {
	users := bson.A{}
	if c.conn.user != "" {
		db, name := splitUserKey(c.conn.user)
		users = append(users, bson.D{bson.KV("user", name), bson.KV("db", db)})
	}
	return bson.D{bson.KV("authInfo", bson.D{bson.KV("authenticatedUsers", users),
		bson.KV("authenticatedUserRoles", bson.A{})})}, nil
}

func (s *Server) getCmdLineOpts(*command) (bson.D, error) {
	return bson.D{bson.KV("argv", bson.A{"mongotest"}), bson.KV("parsed", bson.D{})}, nil
}
