package engine

import "github.com/torque-go/torque/bson"

// Vars holds the variables an expression can read as $$name: the
// command's let, and the system variables NOW, CLUSTER_TIME, ROOT,
// CURRENT (ROOT and CURRENT are set from the document being evaluated).
type Vars map[string]any

// MatchInfo says where a filter matched, for the positional $ operator of
// projections and updates.
type MatchInfo struct {
	// ArrayIndex is the index, in the first array the matching path
	// crossed, of the element that matched; meaningful when HasIndex.
	ArrayIndex int
	HasIndex   bool
}

// Truncated is one entry of a change stream's
// updateDescription.truncatedArrays: the array at Field now has NewSize
// elements.
type Truncated struct {
	Field   string
	NewSize int32
}

// UpdateOptions are the options of an update that the engine needs.
type UpdateOptions struct {
	ArrayFilters []bson.D // the arrayFilters option, for $[<identifier>]
	Vars         Vars     // the command's let and the system variables
	Upsert       bool     // the upsert option
}

// UpdateResult is the outcome of applying an update to one document.
type UpdateResult struct {
	Doc      bson.D // the document after the update
	Modified bool   // false when the update changed nothing (nModified 0)

	// For change streams (updateDescription), filled for operator and
	// pipeline updates:
	UpdatedFields   bson.D
	RemovedFields   []string
	TruncatedArrays []Truncated
}

// Catalog gives the aggregation stages that read other collections
// ($lookup, $unionWith, $graphLookup) the documents of a collection. The
// server implements it; the engine never writes.
type Catalog interface {
	Docs(db, coll string) ([]bson.D, error)
}

// Env is what a pipeline runs in: the database of the aggregate command
// (for stages that name other collections), the variables from let and
// the system, the catalog, and the collation ($match, $sort, $group,
// comparisons in expressions; nil is simple).
type Env struct {
	DB        string
	Vars      Vars
	Catalog   Catalog
	Collation *Collation
}

// Output describes the $out or $merge stage that ends a pipeline: Run
// returns the documents to write, and the server writes them.
type Output struct {
	Merge bool   // false for $out, true for $merge
	DB    string // the target database (the pipeline's by default)
	Coll  string // the target collection

	// $merge only:
	On             []string // the fields that identify a document; default ["_id"]
	WhenMatched    string   // "merge" (default), "replace", "keepExisting", "fail" or "pipeline"
	WhenNotMatched string   // "insert" (default), "discard" or "fail"
	// WhenMatchedPipeline is the pipeline of whenMatched: [...]; run it
	// with MergePipeline.
	WhenMatchedPipeline []bson.D
	Let                 bson.D // $merge's let; $$new is the incoming document
}
