package topology

import "errors"

// The wire-protocol versions this driver speaks: MongoDB 4.2 (8) through
// 8.0 (25). A server whose range does not overlap makes the topology
// incompatible (SDAM "Checking wire protocol compatibility").
const (
	MinWireVersion = 8
	MaxWireVersion = 25

	minMongoDBVersion = "4.2"
	driverName        = "torque"
)

// compatibilityErr returns the first incompatibility among servers, or nil.
func compatibilityErr(servers []ServerDescription) error {
	for _, sd := range servers {
		if !sd.Type.Available() || sd.Type == LoadBalancer { // not checked (yet): no wire versions
			continue
		}
		switch {
		case sd.MinWireVersion > MaxWireVersion:
			return errors.New("server at " + string(sd.Addr) + " requires wire version " +
				itoa(int64(sd.MinWireVersion)) + ", but this version of " + driverName +
				" only supports up to " + itoa(MaxWireVersion))
		case sd.MaxWireVersion < MinWireVersion:
			return errors.New("server at " + string(sd.Addr) + " reports wire version " +
				itoa(int64(sd.MaxWireVersion)) + ", but this version of " + driverName +
				" requires at least " + itoa(MinWireVersion) + " (MongoDB " + minMongoDBVersion + ")")
		}
	}
	return nil
}

// sessionTimeout returns the smallest logicalSessionTimeoutMinutes of the
// data-bearing servers, or nil when there is none or any lacks it.
func sessionTimeout(servers []ServerDescription) *int64 {
	var min *int64
	for _, sd := range servers {
		if !sd.Type.DataBearing() {
			continue
		}
		if sd.LogicalSessionTimeoutMinutes == nil {
			return nil
		}
		if min == nil || *sd.LogicalSessionTimeoutMinutes < *min {
			min = sd.LogicalSessionTimeoutMinutes
		}
	}
	return min
}
