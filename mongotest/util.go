package mongotest

import (
	"slices"
	"time"

	"github.com/torque-go/torque/bson"
)

// timeNow is the server's clock.
var timeNow = time.Now

func sortStable[T any](s []T, cmp func(a, b T) int) { slices.SortStableFunc(s, cmp) }

// withIDFirst returns doc with an _id as its first field: the one it has
// (moved to the front, as mongod stores it), or a new ObjectID.
func withIDFirst(doc bson.D) bson.D {
	for i, e := range doc {
		if e.Key == "_id" {
			if i == 0 {
				return doc
			}
			out := make(bson.D, 0, len(doc))
			out = append(out, e)
			out = append(out, doc[:i]...)
			return append(out, doc[i+1:]...)
		}
	}
	out := make(bson.D, 0, len(doc)+1)
	out = append(out, bson.KV("_id", bson.NewObjectID()))
	return append(out, doc...)
}

// docSize is the BSON size of doc (0 when it does not marshal).
func docSize(doc bson.D) int {
	b, err := bson.Marshal(doc)
	if err != nil {
		return 0
	}
	return len(b)
}
