package driver

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/pool"
)

// appendServerAPI appends the Stable API fields (versioned-api spec) to a
// command: apiVersion, and apiStrict and apiDeprecationErrors when set.
// Every command gets them when an API version is declared — getMore and
// the commands of a transaction included; none otherwise.
func appendServerAPI(dst []byte, api *pool.ServerAPI) []byte {
	if api == nil {
		return dst
	}
	dst = bson.AppendStringElement(dst, "apiVersion", api.Version)
	if api.Strict {
		dst = bson.AppendBooleanElement(dst, "apiStrict", true)
	}
	if api.DeprecationErrors {
		dst = bson.AppendBooleanElement(dst, "apiDeprecationErrors", true)
	}
	return dst
}
