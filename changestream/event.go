package changestream

import (
	"github.com/torque-go/torque/bson"
)

// Event is the common shape of a change event, to Decode into. Fields an
// event does not have stay zero; unknown operation types and fields are
// no error (decode into bson.M or your own struct to see everything).
type Event struct {
	// ID is the event's resume token.
	ID bson.Raw `bson:"_id"`
	// OperationType: "insert", "update", "replace", "delete",
	// "invalidate", "drop", "dropDatabase", "rename", and with
	// ShowExpandedEvents "create", "createIndexes", "modify" ...
	OperationType string    `bson:"operationType"`
	NS            Namespace `bson:"ns"`
	// To is the new name of a renamed collection.
	To *Namespace `bson:"to,omitempty"`
	// DocumentKey is {_id} (plus the shard key) of the changed document.
	DocumentKey bson.Raw `bson:"documentKey,omitempty"`
	// FullDocument is the document after the change: always for insert
	// and replace, for update with FullDocument "updateLookup" (or a
	// post-image option).
	FullDocument bson.Raw `bson:"fullDocument,omitempty"`
	// FullDocumentBeforeChange is the pre-image, when asked for.
	FullDocumentBeforeChange bson.Raw           `bson:"fullDocumentBeforeChange,omitempty"`
	UpdateDescription        *UpdateDescription `bson:"updateDescription,omitempty"`
	ClusterTime              bson.Timestamp     `bson:"clusterTime"`
	WallTime                 bson.DateTime      `bson:"wallTime,omitempty"`
}

// Namespace is a database and a collection.
type Namespace struct {
	DB   string `bson:"db"`
	Coll string `bson:"coll,omitempty"`
}

// UpdateDescription is what an update changed.
type UpdateDescription struct {
	UpdatedFields   bson.Raw   `bson:"updatedFields"`
	RemovedFields   []string   `bson:"removedFields"`
	TruncatedArrays []bson.Raw `bson:"truncatedArrays,omitempty"`
}
