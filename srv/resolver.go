package srv

import (
	"context"
	"net"
	"time"
)

// Resolver does the two DNS look-ups mongodb+srv needs. *net.Resolver
// (net.DefaultResolver) implements it. LookupTXT returns one string per TXT
// record, the record's character-strings joined, as net.Resolver does.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// TTLResolver is a Resolver that can also tell the records' time to live.
// The Poller uses it, when the Resolver has it, to rescan no more often than
// the lowest TTL (and never more often than every 60 seconds). The standard
// library's resolver hides TTLs, so with it the Poller rescans every 60s.
type TTLResolver interface {
	Resolver
	// LookupSRVTTL is LookupSRV that also returns the lowest TTL among the
	// records.
	LookupSRVTTL(ctx context.Context, service, proto, name string) ([]*net.SRV, time.Duration, error)
}

// DefaultResolver is the Resolver used when none is given.
var DefaultResolver Resolver = net.DefaultResolver

func orDefault(r Resolver) Resolver {
	if r == nil {
		return DefaultResolver
	}
	return r
}
