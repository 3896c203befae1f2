// Package engine is mongotest's query language: MongoDB's comparison
// order, filters, projections, sorts, updates and aggregation pipelines,
// as pure functions over documents. It does no I/O and starts no
// goroutines; the server (package mongotest) stores the documents and
// calls it. Compiled values (Filter, Projection, Sort, Update, Pipeline)
// are immutable after compilation and safe for concurrent use.
//
// Work in progress: the supported subset is listed here as it lands.
package engine
