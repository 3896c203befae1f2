package topology

import "slices"

// PollsSRV reports whether a topology of type t keeps rescanning its SRV
// records (Polling SRV Records for mongos Discovery): only while it is
// Sharded or still Unknown.
func PollsSRV(t TopologyType) bool {
	return t == Sharded || t == TopologyUnknown
}

// ApplySeedList returns the topology after an SRV rescan found hosts: the
// servers no longer listed leave, the new ones join as Unknown, and the
// servers listed before and now are left exactly as they were. td is
// returned unchanged when its type does not poll (see PollsSRV) or when
// hosts is empty (a rescan that found nothing must not change the
// topology). The host list is already cut to srvMaxHosts by the poller.
func ApplySeedList(td TopologyDescription, hosts []Address) TopologyDescription {
	if !PollsSRV(td.Type) || len(hosts) == 0 {
		return td
	}
	next := td
	next.Servers = slices.DeleteFunc(slices.Clone(td.Servers), func(sd ServerDescription) bool {
		return !slices.Contains(hosts, sd.Addr)
	})
	for _, a := range hosts {
		if _, ok := next.Server(a); !ok {
			next.Servers = addServer(next.Servers, NewUnknownServer(a, nil))
		}
	}
	next.singleSeed = td.singleSeed && len(hosts) == 1
	next.CompatibilityErr = compatibilityErr(next.Servers)
	next.LogicalSessionTimeoutMinutes = sessionTimeout(next.Servers)
	return next
}
