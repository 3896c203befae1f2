// Package docmap holds only a test: it keeps the "Files" map of every
// package's doc.go true.
//
// A doc.go map lists a package's files under a "# Files" heading, one entry a
// line, in one of two forms:
//
//	//   - name.go: what it holds
//	//	name.go     what it holds
//
// The test fails when a name in a map does not exist next to its doc.go, and
// when a non-test .go file of the package is missing from the map.
//
// # Files
//
//	doc.go           this overview
//	docmap_test.go   TestDocMaps, the map parser (parseFilesMap)
package docmap
