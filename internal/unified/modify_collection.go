package unified

import (
	"context"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// modifyCollection runs collMod through RunCommand, as the official Go
// driver's tests do (torque, like it, has no collMod helper): every
// argument but the collection's name is a collMod field, sent as given.
func modifyCollection(ctx context.Context, db *client.Database, a *args) outcome {
	cmd := bson.D{bson.KV("collMod", a.str("collection"))}
	for k, v := range a.src.All() {
		if !a.used[k] {
			a.skip(k)
			cmd = append(cmd, bson.KV(k, v))
		}
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	doc, err := db.RunCommand(ctx, cmd).Raw()
	if err != nil {
		return outcome{err: err}
	}
	return outcome{result: docValue(doc)}
}
