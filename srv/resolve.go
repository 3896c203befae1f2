package srv

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"strconv"
	"time"

	"github.com/torque-go/torque/connstring"
)

// DefaultServiceName is the SRV service name when srvServiceName is unset.
const DefaultServiceName = "mongodb"

// Result is a resolved mongodb+srv connection string.
type Result struct {
	// ConnString is a copy of the input with the TXT record's options
	// merged in (the URI's own win) and TLS turned on unless the URI set
	// it. Its Hosts still hold the SRV name, which the Poller needs.
	ConnString *connstring.ConnString
	// Seeds are the "host:port" addresses to start from, at most
	// srvMaxHosts of them, chosen at random when there are more.
	Seeds []string
}

// Config is what Resolve and the Poller take besides the connection string.
// The zero Config uses DefaultResolver and the spec's domain check.
type Config struct {
	Resolver Resolver // nil: DefaultResolver
	// VerifyHost, when set, replaces the default check that a returned host
	// lies under the SRV name's domain (the srvHostValidator client
	// option). It gets the normalized host name (lower case, no root dot)
	// and accepts it by returning true; an error fails Resolve, wrapped.
	VerifyHost func(host string) (bool, error)
}

// Resolve looks up the SRV records of "_<srvServiceName>._tcp.<host>" and
// the TXT record of <host>, checks them, and returns the seed list and the
// merged options. Nothing is dialled.
func Resolve(ctx context.Context, cfg Config, cs *connstring.ConnString) (*Result, error) {
	if !cs.IsSRV() || len(cs.Hosts) != 1 {
		return nil, &Error{Name: "connection string", Msg: "Resolve needs a mongodb+srv connection string with one host"}
	}
	if err := cs.Validate(); err != nil {
		return nil, err
	}
	r := orDefault(cfg.Resolver)
	host := cs.Hosts[0].Name
	seeds, _, err := cfg.lookupSeeds(ctx, serviceName(cs), host, false)
	if err != nil {
		return nil, err
	}
	out := *cs
	out.Warnings = append([]string(nil), cs.Warnings...)
	txt, err := lookupTXT(ctx, r, host)
	if err != nil {
		return nil, err
	}
	if txt != nil {
		txt.applyTo(&out)
	}
	if out.TLS == nil {
		on := true
		out.TLS = &on
	}
	if err := checkResolved(&out, len(seeds)); err != nil {
		return nil, err
	}
	return &Result{ConnString: &out, Seeds: pick(seeds, maxHosts(cs))}, nil
}

func serviceName(cs *connstring.ConnString) string {
	if cs.SRVServiceName != "" {
		return cs.SRVServiceName
	}
	return DefaultServiceName
}

func maxHosts(cs *connstring.ConnString) int {
	if cs.SRVMaxHosts == nil {
		return 0
	}
	return *cs.SRVMaxHosts
}

// checkResolved applies the rules that need the TXT options or the number
// of records: loadBalanced=true wants one host and no replicaSet, and a
// positive srvMaxHosts excludes both replicaSet and loadBalanced=true.
func checkResolved(cs *connstring.ConnString, records int) error {
	name := cs.Hosts[0].Name
	if err := cs.ValidateSRVMaxHosts(); err != nil {
		return &Error{Name: name, Msg: "options after merging the TXT record", Err: err}
	}
	if cs.LoadBalanced != nil && *cs.LoadBalanced {
		if records > 1 {
			return &Error{Name: name, Msg: "loadBalanced=true but the SRV records name " + strconv.Itoa(records) + " hosts"}
		}
		if cs.ReplicaSet != "" {
			return &Error{Name: name, Msg: "loadBalanced=true cannot be used with replicaSet"}
		}
	}
	return nil
}

// lookupSeeds returns the verified "host:port" targets of the SRV records.
// When lenient (polling), records that fail verification are dropped
// instead of failing the look-up. ttl is 0 when the resolver cannot tell it.
func (cfg Config) lookupSeeds(ctx context.Context, service, host string, lenient bool) (seeds []string, ttl time.Duration, err error) {
	r := orDefault(cfg.Resolver)
	query := "_" + service + "._tcp." + host
	var recs []*net.SRV
	if tr, ok := r.(TTLResolver); ok {
		recs, ttl, err = tr.LookupSRVTTL(ctx, service, "tcp", host)
	} else {
		_, recs, err = r.LookupSRV(ctx, service, "tcp", host)
	}
	if err != nil {
		return nil, 0, &Error{Name: query, Msg: "SRV look-up failed", Err: err}
	}
	seen := map[string]bool{}
	for _, rec := range recs {
		target := normalizeHost(rec.Target)
		if verr := cfg.verify(host, target, rec.Port); verr != nil {
			if lenient {
				continue
			}
			verr.Name = query
			return nil, 0, verr
		}
		addr := net.JoinHostPort(target, strconv.Itoa(int(rec.Port)))
		if !seen[addr] {
			seen[addr] = true
			seeds = append(seeds, addr)
		}
	}
	if len(seeds) == 0 {
		return nil, 0, &Error{Name: query, Msg: "no usable SRV records"}
	}
	return seeds, ttl, nil
}

// verify applies VerifyHost, or else the domain rule, to one record.
func (cfg Config) verify(host, target string, port uint16) *Error {
	quoted := strconv.Quote(target)
	switch {
	case port == 0:
		return &Error{Msg: "returned host " + quoted + " has port 0"}
	case cfg.VerifyHost != nil:
		ok, err := cfg.VerifyHost(target)
		if err != nil {
			return &Error{Msg: "VerifyHost failed for " + quoted, Err: err}
		}
		if !ok {
			return &Error{Msg: "VerifyHost rejected returned host " + quoted}
		}
	case !verifyTarget(host, target):
		return &Error{Msg: "returned host " + quoted + " is not under the domain " + strconv.Quote(domainOf(host))}
	}
	return nil
}

// lookupTXT returns the parsed TXT options of host, nil when it has none.
func lookupTXT(ctx context.Context, r Resolver, host string) (*txtOptions, error) {
	records, err := r.LookupTXT(ctx, host)
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Name: host, Msg: "TXT look-up failed", Err: err}
	}
	switch len(records) {
	case 0:
		return nil, nil
	case 1:
		return parseTXT(host, records[0])
	}
	return nil, &Error{Name: host, Msg: "more than one TXT record (only one is allowed)"}
}

// pick returns all seeds when max is 0 or not below their number, else max
// of them chosen by a Fisher-Yates shuffle. It does not modify seeds.
func pick(seeds []string, max int) []string {
	out := append([]string(nil), seeds...)
	if max <= 0 || max >= len(out) {
		return out
	}
	rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:max]
}
