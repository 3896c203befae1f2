package unified

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// serverEnv is what runOnRequirements are checked against.
type serverEnv struct {
	version       []int  // buildInfo's versionArray or version
	topology      string // "single", "replicaset", "sharded"
	authenticated bool
	failPoints    bool     // configureFailPoint exists (the backend says)
	params        bson.Raw // {getParameter: "*"}'s reply; nil when it failed
}

// discover asks the server for its version (buildInfo) and topology
// (hello).
func discover(ctx context.Context, c *client.Client) (serverEnv, error) {
	var env serverEnv
	admin := c.Database("admin")
	bi, err := admin.RunCommand(ctx, bson.D{bson.KV("buildInfo", 1)}).Raw()
	if err != nil {
		return env, err
	}
	s, _ := bi.Lookup("version").StringValue()
	env.version = parseVersion(s)
	hello, err := admin.RunCommand(ctx, bson.D{bson.KV("hello", 1)}).Raw()
	if err != nil {
		return env, err
	}
	switch {
	case !hello.Lookup("setName").IsZero():
		env.topology = "replicaset"
	case hello.Lookup("msg").String() == `"isdbgrid"`:
		env.topology = "sharded"
	default:
		env.topology = "single"
	}
	// serverParameters requirements read every parameter at once; a
	// server that refuses (or lacks a parameter) leaves them unmet.
	if params, err := admin.RunCommand(ctx, bson.D{bson.KV("getParameter", "*")}).Raw(); err == nil {
		env.params = params
	}
	return env, nil
}

// parseVersion reads "7.0.42" (a "-rc0" suffix is dropped) as [7 0 42].
func parseVersion(s string) []int {
	s, _, _ = strings.Cut(s, "-")
	var out []int
	for _, p := range strings.Split(s, ".") {
		n, _ := strconv.Atoi(p)
		out = append(out, n)
	}
	return out
}

// compareVersions returns -1, 0 or 1; missing parts count as 0.
func compareVersions(a, b []int) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// satisfies reports whether any of reqs holds (an empty list always
// does); when none does it says why the first one failed.
func (env serverEnv) satisfies(reqs bson.RawArray) (string, bool) {
	var why string
	for i, v := range reqs.All() {
		doc, _ := v.Document()
		reason := env.unmet(doc)
		if reason == "" {
			return "", true
		}
		if i == 0 {
			why = reason
		}
	}
	return why, why == ""
}

// unmet returns why one runOnRequirement does not hold, "" when it does.
func (env serverEnv) unmet(req bson.Raw) string {
	for key, v := range req.All() {
		switch key {
		case "minServerVersion", "maxServerVersion":
			s, _ := v.StringValue()
			c := compareVersions(env.version, parseVersion(s))
			if key == "minServerVersion" && c < 0 || key == "maxServerVersion" && c > 0 {
				return fmt.Sprintf("%s %s, the server is %v", key, s, env.version)
			}
		case "topologies":
			arr, _ := v.Array()
			found := false
			for _, t := range arr.All() {
				s, _ := t.StringValue()
				found = found || s == env.topology
			}
			if !found {
				return fmt.Sprintf("topologies %s, the server is %s", v, env.topology)
			}
		case "serverless":
			if s, _ := v.StringValue(); s == "require" {
				return "serverless required, the server is not serverless"
			}
		case "auth":
			if b, _ := v.Boolean(); b != env.authenticated {
				return fmt.Sprintf("auth %v, the test server's authentication is %v", b, env.authenticated)
			}
		case "serverParameters":
			want, _ := v.Document()
			if why := env.unmetParameters(want); why != "" {
				return why
			}
		case "csfle":
			if b, _ := v.Boolean(); b {
				return "csfle required: torque has no client-side field level encryption"
			}
		case "authMechanism":
			mech, _ := v.StringValue()
			if !env.hasMechanism(mech) {
				return fmt.Sprintf("authMechanism %s: not in the server's authenticationMechanisms", mech)
			}
		default:
			return fmt.Sprintf("requirement %s is not checked by this runner", key)
		}
	}
	return ""
}

// unmetParameters returns why the server's parameters (getParameter "*")
// differ from want, "" when they all match; numbers compare by value
// (the unified format's flexible numeric comparisons). A parameter the
// server does not report is unmet, as the format asks.
func (env serverEnv) unmetParameters(want bson.Raw) string {
	if env.params == nil {
		return "serverParameters: the server answered no getParameter"
	}
	for name, w := range want.All() {
		got := env.params.Lookup(name)
		switch {
		case got.IsZero():
			return fmt.Sprintf("serverParameters: the server reports no %s", name)
		case isNumber(w.Type) && isNumber(got.Type):
			if !numEqual(w, got) {
				return fmt.Sprintf("serverParameters: %s is %s, want %s", name, got, w)
			}
		case !w.Equal(got):
			return fmt.Sprintf("serverParameters: %s is %s, want %s", name, got, w)
		}
	}
	return ""
}

// hasMechanism reports whether the server's authenticationMechanisms
// parameter lists mech (case-insensitive, as the unified format says).
func (env serverEnv) hasMechanism(mech string) bool {
	arr, _ := env.params.Lookup("authenticationMechanisms").Array()
	for _, v := range arr.All() {
		if s, _ := v.StringValue(); strings.EqualFold(s, mech) {
			return true
		}
	}
	return false
}
