package srv_test

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// testZone is the DNS zone of the initial-dns-seedlist-discovery tests'
// README (the records its test files assume), in the README's format, with
// one record the README's table lacks: srv-service-name.json expects test22's
// customname service to list port 27018 as well as 27017, so the live zone the
// cases were written against has both.
const testZone = `
_mongodb._tcp.test1.test.build.10gen.cc.    86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test1.test.build.10gen.cc.    86400  IN SRV  27018  localhost.test.build.10gen.cc.
_mongodb._tcp.test2.test.build.10gen.cc.    86400  IN SRV  27018  localhost.test.build.10gen.cc.
_mongodb._tcp.test2.test.build.10gen.cc.    86400  IN SRV  27019  localhost.test.build.10gen.cc.
_mongodb._tcp.test3.test.build.10gen.cc.    86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test5.test.build.10gen.cc.    86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test6.test.build.10gen.cc.    86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test7.test.build.10gen.cc.    86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test8.test.build.10gen.cc.    86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test10.test.build.10gen.cc.   86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test11.test.build.10gen.cc.   86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test12.test.build.10gen.cc.   86400  IN SRV  27017  localhost.build.10gen.cc.
_mongodb._tcp.test13.test.build.10gen.cc.   86400  IN SRV  27017  test.build.10gen.cc.
_mongodb._tcp.test14.test.build.10gen.cc.   86400  IN SRV  27017  localhost.not-test.build.10gen.cc.
_mongodb._tcp.test15.test.build.10gen.cc.   86400  IN SRV  27017  localhost.test.not-build.10gen.cc.
_mongodb._tcp.test16.test.build.10gen.cc.   86400  IN SRV  27017  localhost.test.build.not-10gen.cc.
_mongodb._tcp.test17.test.build.10gen.cc.   86400  IN SRV  27017  localhost.test.build.10gen.not-cc.
_mongodb._tcp.test18.test.build.10gen.cc.   86400  IN SRV  27017  localhost.sub.test.build.10gen.cc.
_mongodb._tcp.test19.test.build.10gen.cc.   86400  IN SRV  27017  localhost.evil.build.10gen.cc.
_mongodb._tcp.test19.test.build.10gen.cc.   86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test20.test.build.10gen.cc.   86400  IN SRV  27017  localhost.test.build.10gen.cc.
_mongodb._tcp.test21.test.build.10gen.cc.   86400  IN SRV  27017  localhost.test.build.10gen.cc.
_customname._tcp.test22.test.build.10gen.cc 86400  IN SRV  27017  localhost.test.build.10gen.cc.
_customname._tcp.test22.test.build.10gen.cc 86400  IN SRV  27018  localhost.test.build.10gen.cc.
_mongodb._tcp.test23.test.build.10gen.cc.   86400  IN SRV  8000   localhost.test.build.10gen.cc.
_mongodb._tcp.test24.test.build.10gen.cc.   86400  IN SRV  8000   localhost.test.build.10gen.cc.
_mongodb._tcp.build.10gen.cc.               86400  IN SRV  27017  build.10gen.cc.
_mongodb._tcp.test.build.10gen.cc.          86400  IN SRV  27017  test.build.10gen.cc.

test5.test.build.10gen.cc.                86400  IN TXT  "replicaSet=repl0&authSource=thisDB"
test6.test.build.10gen.cc.                86400  IN TXT  "replicaSet=repl0"
test6.test.build.10gen.cc.                86400  IN TXT  "authSource=otherDB"
test7.test.build.10gen.cc.                86400  IN TXT  "ssl=false"
test8.test.build.10gen.cc.                86400  IN TXT  "authSource"
test10.test.build.10gen.cc.               86400  IN TXT  "socketTimeoutMS=500"
test11.test.build.10gen.cc.               86400  IN TXT  "replicaS" "et=rep" "l0"
test20.test.build.10gen.cc.               86400  IN TXT  "loadBalanced=true"
test21.test.build.10gen.cc.               86400  IN TXT  "loadBalanced=false"
test24.test.build.10gen.cc.               86400  IN TXT  "loadBalanced=true"
`

// fakeDNS is an in-memory Resolver (and TTLResolver when ttl is set).
// Missing names answer like net.Resolver: a *net.DNSError with IsNotFound.
type fakeDNS struct {
	mu    sync.Mutex
	srv   map[string][]*net.SRV // "_service._tcp.name"
	txt   map[string][]string   // name -> one string per record
	calls int                   // SRV look-ups so far
	fail  error                 // when set, SRV look-ups return it
}

func newFakeDNS() *fakeDNS {
	return &fakeDNS{srv: map[string][]*net.SRV{}, txt: map[string][]string{}}
}

// loadZone reads records in testZone's format.
func (f *fakeDNS) loadZone(zone string) {
	sc := bufio.NewScanner(strings.NewReader(zone))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		name := strings.ToLower(strings.TrimSuffix(fields[0], "."))
		switch fields[3] {
		case "SRV":
			port, _ := strconv.Atoi(fields[4])
			f.addSRV(name, fields[5], uint16(port))
		case "TXT":
			// Character-strings of one record are joined, as net.Resolver does.
			rest := strings.Join(fields[4:], " ")
			var joined strings.Builder
			for _, part := range strings.Split(rest, `" "`) {
				joined.WriteString(strings.Trim(part, `"`))
			}
			f.txt[name] = append(f.txt[name], joined.String())
		}
	}
}

func (f *fakeDNS) addSRV(query, target string, port uint16) {
	f.srv[query] = append(f.srv[query], &net.SRV{Target: target, Port: port})
}

func (f *fakeDNS) setSRV(query string, targets ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.srv[query] = nil
	for _, t := range targets {
		host, port, _ := net.SplitHostPort(t)
		p, _ := strconv.Atoi(port)
		f.srv[query] = append(f.srv[query], &net.SRV{Target: strings.TrimSuffix(host, ".") + ".", Port: uint16(p)})
	}
}

func (f *fakeDNS) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	if f.fail != nil {
		return "", nil, f.fail
	}
	query := "_" + service + "._" + proto + "." + name
	recs, ok := f.srv[query]
	if !ok || len(recs) == 0 {
		return "", nil, &net.DNSError{Err: "no such host", Name: query, IsNotFound: true}
	}
	out := make([]*net.SRV, len(recs))
	for i, r := range recs {
		c := *r
		out[i] = &c
	}
	return query + ".", out, nil
}

func (f *fakeDNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	recs, ok := f.txt[name]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return append([]string(nil), recs...), nil
}

func (f *fakeDNS) srvCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// ttlDNS adds TTLs to fakeDNS.
type ttlDNS struct {
	*fakeDNS
	ttl time.Duration
}

func (t ttlDNS) LookupSRVTTL(ctx context.Context, service, proto, name string) ([]*net.SRV, time.Duration, error) {
	_, recs, err := t.LookupSRV(ctx, service, proto, name)
	return recs, t.ttl, err
}
