package srv

import (
	"net/url"
	"strings"

	"github.com/torque-go/torque/connstring"
)

// txtOptions are the options a TXT record may carry. Zero values mean "not
// in the record".
type txtOptions struct {
	authSource   string
	replicaSet   string
	loadBalanced *bool
	warnings     []string
}

// parseTXT parses a TXT record's "k=v&k=v". Keys are case-insensitive; only
// authSource, replicaSet and loadBalanced are allowed. A pair without '=' or
// with a malformed escape is an error; an invalid loadBalanced value is a
// warning, as it would be in the connection string.
func parseTXT(name, record string) (*txtOptions, error) {
	opts := &txtOptions{}
	for _, pair := range strings.Split(record, "&") {
		if pair == "" {
			continue
		}
		k, raw, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, &Error{Name: name, Msg: "TXT record option without '=value'"}
		}
		v, err := url.PathUnescape(raw)
		if err != nil {
			return nil, &Error{Name: name, Msg: "TXT record option " + k + " has malformed percent-encoding"}
		}
		switch strings.ToLower(k) {
		case "authsource":
			if v == "" {
				return nil, &Error{Name: name, Msg: "TXT record sets an empty authSource"}
			}
			opts.authSource = v
		case "replicaset":
			opts.replicaSet = v
		case "loadbalanced":
			if v != "true" && v != "false" {
				opts.warnings = append(opts.warnings, "srv: "+name+": TXT record loadBalanced value ignored: must be true or false")
				continue
			}
			b := v == "true"
			opts.loadBalanced = &b
		default:
			return nil, &Error{Name: name, Msg: "TXT record option " + k + " is not allowed (only authSource, replicaSet and loadBalanced)"}
		}
	}
	return opts, nil
}

// applyTo fills the options of cs the connection string did not set: the
// URI wins over the TXT record.
func (o *txtOptions) applyTo(cs *connstring.ConnString) {
	if cs.AuthSource == "" {
		cs.AuthSource = o.authSource
	}
	if cs.ReplicaSet == "" {
		cs.ReplicaSet = o.replicaSet
	}
	if cs.LoadBalanced == nil {
		cs.LoadBalanced = o.loadBalanced
	}
	cs.Warnings = append(cs.Warnings, o.warnings...)
}
