// Package bench measures torque side by side with the official Go driver
// (go.mongodb.org/mongo-driver/v2) on the tasks and data of the MongoDB
// driver benchmarking specification, and compares their footprint.
//
// It is a separate module, so that the official driver never enters
// torque's own go.mod. Run it with `make bench` from the repository root, or
// `go run ./cmd/benchcmp -h` from here.
//
// # Files
//
//   - data.go: finds the spec's benchmarking/data tarballs and reads the
//     data sets out of them (in memory; nothing is unpacked to disk)
//   - nullserver.go: an in-process wire server with canned replies, so a
//     task against it measures the driver alone
//   - structs.go: Go structs matching the BSON data sets (typed tasks)
//   - tasks_bson.go: encode and decode flat, deep and full documents
//   - tasks_single.go: hello, find one by _id, insert one small or large
//   - tasks_multi.go: find many, insert many small or large
//   - tasks_parallel.go: find one and insert one from 1, 8 and 64 goroutines
//   - drivers.go: the two drivers behind one small interface for the tasks
//   - report.go: runs the tasks with testing.Benchmark and prints the table
//   - footprint.go: builds the same small program for each driver and
//     compares binary sizes and linked modules
//
// # Concurrency
//
// A NullServer serves each connection on its own goroutine and stops them
// all in Close. Tasks run one at a time.
package bench
