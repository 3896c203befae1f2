package unified

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/testenv"
	"github.com/torque-go/torque/mongotest"
)

// Backend is a server the suites run against: each suite's test runs every
// file once per backend, as the subtests <Test>/<backend>/<file>/<case>.
type Backend struct {
	// Name names the subtest and the backend's skip lists ("ferretdb").
	Name string
	// Topologies are the deployments the backend can give, in the order
	// the runner prefers them: "single", "replicaset", "sharded",
	// "load-balanced". Each test runs on the first one whose server meets
	// its file's and its own runOnRequirements.
	Topologies []string
	// Deploy returns the deployment of one of Topologies. It is called at
	// most once per topology and suite, on the goroutine of t, the
	// backend's subtest: servers it starts are stopped by t's cleanup, and
	// it may skip t (a server the environment does not provide).
	Deploy func(t *testing.T, topology string) (Deployment, error)
	// FailPoints: the servers have configureFailPoint (the failCommand
	// fail point). Without it a test that configures a fail point is
	// skipped, saying so.
	FailPoints bool
	// AuthTopologies are the topologies the backend can also deploy with
	// authentication on, through DeployAuth: the runner tries them, after
	// Topologies, only for a test whose runOnRequirements (its file's or
	// its own) ask for auth: true.
	AuthTopologies []string
	// DeployAuth is Deploy for an authenticated twin of a topology: its
	// URIs carry the credentials of the runner's own user, which the
	// internal client and every client entity use.
	DeployAuth func(t *testing.T, topology string) (Deployment, error)
}

// Deployment tells the runner how to reach one deployment.
type Deployment struct {
	// URI connects to it: the members of a replica set, one mongos of a
	// sharded cluster, the load balancer in front of one mongos.
	URI string
	// MultiURI names every mongos of a sharded cluster, or the load
	// balancer in front of several; "" when there is only URI. Client
	// entities with useMultipleMongoses: true use it.
	MultiURI string
	// ServiceHosts are the mongoses behind a load balancer, reachable
	// directly: a fail point set through the load balancer is turned off
	// on each of them (through it, "off" may reach another mongos).
	ServiceHosts []string
}

// backends are the servers every suite runs against, in order. A backend
// is added here in a few lines: its Deploy, its topologies, and a skip
// list per suite.
var backends = []Backend{ferretDB, mongoTest}

// mongoTest is package mongotest, in process: a standalone server, a
// replica set of three members with fail points for the tests that need
// one, that set behind two mongoses for the tests that need a sharded
// cluster, and behind two load-balanced mongoses for those that need a
// load balancer (one load balancer in front of both, one in front of the
// first).
var mongoTest = Backend{
	Name:           "mongotest",
	Topologies:     []string{"single", "replicaset", "sharded", "load-balanced"},
	FailPoints:     true,
	Deploy:         func(t *testing.T, topology string) (Deployment, error) { return deployMongotest(t, topology, nil), nil },
	AuthTopologies: []string{"single", "replicaset", "sharded", "load-balanced"},
	DeployAuth: func(t *testing.T, topology string) (Deployment, error) {
		return deployMongotest(t, topology, &mongotestUser), nil
	},
}

// mongotestParameters are the server parameters of every mongotest
// deployment: those of the mongod the drivers' versioned-API tests run
// against (drivers-evergreen-tools starts it with --setParameter
// acceptApiVersion2=1; enableTestCommands is on by default in mongotest).
var mongotestParameters = map[string]any{"acceptApiVersion2": true}

// mongotestUser is the runner's own user on mongotest's authenticated
// deployments (a test password, on loopback only).
var mongotestUser = mongotest.User{Name: "torque-runner", Password: "unified-runner-pw"}

// deployMongotest starts one mongotest deployment; with a user,
// authentication is on and the URIs carry the user's credentials.
func deployMongotest(t *testing.T, topology string, user *mongotest.User) Deployment {
	var users []mongotest.User
	if user != nil {
		users = []mongotest.User{*user}
	}
	var dep Deployment
	switch topology {
	case "replicaset":
		dep.URI = mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Users: users, Parameters: mongotestParameters}).URI()
	case "sharded":
		rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Mongos: 2, Users: users, Parameters: mongotestParameters})
		dep = Deployment{URI: "mongodb://" + rs.MongosHosts()[0] + "/", MultiURI: rs.MongosURI()}
	case "load-balanced":
		rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{LoadBalanced: true, LoadBalancedServices: 2, Users: users, Parameters: mongotestParameters})
		dep = Deployment{URI: rs.SingleMongosLoadBalancerURI(), MultiURI: rs.LoadBalancerURI(),
			ServiceHosts: rs.LoadBalancedServiceHosts()}
	default:
		// Without directConnection, as a test's uriOptions may add
		// loadBalanced (a client discovers a lone seed as single anyway).
		dep.URI = "mongodb://" + mongotest.New(t, mongotest.Options{Users: users, Parameters: mongotestParameters}).Addr() + "/"
	}
	if user != nil {
		dep.URI, dep.MultiURI = withUser(dep.URI, *user), withUser(dep.MultiURI, *user)
	}
	return dep
}

// withUser puts the user's credentials into a mongodb:// URI ("" stays "").
func withUser(uri string, u mongotest.User) string {
	if uri == "" {
		return ""
	}
	cred := url.UserPassword(u.Name, u.Password).String()
	return strings.Replace(uri, "mongodb://", "mongodb://"+cred+"@", 1)
}

// redactURI is uri without its password, for messages.
func redactURI(uri string) string {
	if u, err := url.Parse(uri); err == nil {
		return u.Redacted()
	}
	return "(an unparsable URI)"
}

// ferretDB is FerretDB v1.24 (7.0.42, standalone) at $TORQUE_TEST_URI.
// It has no configureFailPoint.
var ferretDB = Backend{
	Name:       "ferretdb",
	Topologies: []string{"single"},
	Deploy: func(t *testing.T, _ string) (Deployment, error) {
		return Deployment{URI: testenv.URI(t)}, nil
	},
}

// target is one deployment of a backend as the runner uses it: its URIs,
// the internal client (initialData, outcome, collection assertions) and
// what runOnRequirements are checked against.
type target struct {
	topology string
	dep      Deployment
	internal *client.Client
	env      serverEnv
}

// uri returns the URI a client entity uses, per its useMultipleMongoses
// (nil: unset): a sharded cluster gives every mongos only with true; a
// load balancer gives the one in front of several mongoses unless false.
func (tg *target) uri(multiple *bool) string {
	if tg.dep.MultiURI == "" {
		return tg.dep.URI
	}
	switch tg.topology {
	case "load-balanced":
		if multiple == nil || *multiple {
			return tg.dep.MultiURI
		}
	case "sharded":
		if multiple != nil && *multiple {
			return tg.dep.MultiURI
		}
	}
	return tg.dep.URI
}

// backendRun holds one backend's deployments during one suite.
type backendRun struct {
	b       Backend
	t       *testing.T
	targets map[string]*target
}

// target returns the deployment of a topology (its authenticated twin
// with auth), deploying it and reading its version and topology the first
// time. Errors fail the backend's test: only its goroutine calls this.
func (br *backendRun) target(topology string, auth bool) *target {
	key := topology
	if auth {
		key += "+auth"
	}
	if tg, ok := br.targets[key]; ok {
		return tg
	}
	t := br.t
	deploy := br.b.Deploy
	if auth {
		deploy = br.b.DeployAuth
	}
	dep, err := deploy(t, topology)
	if err != nil {
		t.Fatalf("deploying %s: %v", key, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), perTest)
	defer cancel()
	internal, err := client.Connect(ctx, dep.URI)
	if err != nil {
		t.Fatalf("connecting to %s: %v", redactURI(dep.URI), err)
	}
	t.Cleanup(func() { _ = internal.Disconnect(context.Background()) })
	env, err := discover(ctx, internal)
	if err != nil {
		t.Fatalf("reading the version and topology of %s: %v", redactURI(dep.URI), err)
	}
	if env.topology != topology && !(topology == "load-balanced" && env.topology == "sharded") {
		t.Fatalf("backend %s: the %s deployment answers hello as %s", br.b.Name, key, env.topology)
	}
	env.topology = topology
	env.authenticated = auth || strings.Contains(dep.URI, "@")
	env.failPoints = br.b.FailPoints
	tg := &target{topology: topology, dep: dep, internal: internal, env: env}
	br.targets[key] = tg
	return tg
}

// choose returns the first deployment that meets both lists of
// runOnRequirements, or why none does (the first topology's reason). The
// authenticated twins come last, and only for lists that ask for auth.
func (br *backendRun) choose(fileReqs, testReqs bson.RawArray) (*target, string) {
	var why string
	type candidate struct {
		topology string
		auth     bool
	}
	var cands []candidate
	for _, topo := range br.b.Topologies {
		cands = append(cands, candidate{topo, false})
	}
	if asksAuth(fileReqs) || asksAuth(testReqs) {
		for _, topo := range br.b.AuthTopologies {
			cands = append(cands, candidate{topo, true})
		}
	}
	for i, c := range cands {
		tg := br.target(c.topology, c.auth)
		reason, ok := tg.env.satisfies(fileReqs)
		if ok {
			reason, ok = tg.env.satisfies(testReqs)
		}
		if ok {
			return tg, ""
		}
		if i == 0 {
			why = reason
		}
	}
	if len(cands) > len(br.b.Topologies) {
		why = fmt.Sprintf("%s (on every topology of %s: %v, and authenticated: %v)", why, br.b.Name, br.b.Topologies, br.b.AuthTopologies)
	} else if len(cands) > 1 {
		why = fmt.Sprintf("%s (on every topology of %s: %v)", why, br.b.Name, br.b.Topologies)
	}
	return nil, why
}

// asksAuth reports whether any of a list of runOnRequirements has auth: true.
func asksAuth(reqs bson.RawArray) bool {
	for _, v := range reqs.All() {
		doc, _ := v.Document()
		if b, _ := doc.Lookup("auth").Boolean(); b {
			return true
		}
	}
	return false
}
