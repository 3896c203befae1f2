// Command torque is a command-line client for MongoDB in one static
// binary (CGO_ENABLED=0 go build): the jobs people reach for mongosh and
// the database tools for, built on the torque driver and the standard
// library only.
//
//	torque <command> [flags] [db.collection] [arguments]
//
//	status     the deployment: topology, servers, roles, RTT, wire and
//	           server versions, pool figures, what each read preference picks
//	find       torque find db.coll '{"age": {"$gte": 30}}' --sort '{"name": 1}' --limit 10
//	count      torque count db.coll [filter] [--estimate]
//	distinct   torque distinct db.coll field [filter]
//	aggregate  torque aggregate db.coll '[{"$group": {"_id": "$k", "n": {"$sum": 1}}}]'
//	insert     torque insert db.coll '{"name": "Ada"}' ...   (or NDJSON on stdin)
//	update     torque update db.coll filter update [--many] [--upsert] [--replace]
//	delete     torque delete db.coll filter [--many]
//	run        torque run db '{"collStats": "coll"}'         (any command, keys in order)
//	export     torque export db.coll [--query Q] [--fields a,b] [--type csv] [--out F]
//	import     torque import db.coll [file] [--type csv --headerline] [--mode upsert]
//	           [--upsertFields k] [--drop] [--ordered=false] [--skip-errors]
//	watch      torque watch [db[.coll]] [--resume-file F]    (change events as they happen)
//	gridfs     torque gridfs put|get|ls|rm db [name|file]
//	bench      torque bench [--tasks RE] [--scale N]         (the driver benchmark spec's MB/s)
//
// Every command takes --uri (else $MONGODB_URI, else
// mongodb://localhost:27017), --username/--password ($TORQUE_PASSWORD),
// --authenticationDatabase, --authenticationMechanism, --tls, --tlsCAFile,
// --tlsCertificateKeyFile, --tlsInsecure and --serverSelectionTimeout.
// Flags may come before or after the arguments; `torque help COMMAND`
// lists a command's flags.
//
// Documents, filters and pipelines are Extended JSON, read in either form
// and written relaxed (--canonical for canonical). Output is for people
// (indented documents, sentences) unless --json asks for NDJSON: one
// document a line. Results go to stdout, diagnostics to stderr. A failure
// prints one line on stderr saying what and where (the argument and byte,
// the input line) and exits 1; a usage mistake exits 2; an interrupt 130
// (watch ends normally at an interrupt). A progress bar (documents/s,
// bytes, ETA when the size is known) is drawn on stderr for import,
// export and gridfs, only when stderr is a terminal.
//
// # Files
//
//	doc.go          this overview
//	main.go         Command, dispatch, flag parsing, exit statuses, help
//	connect.go      the connection flags, connect, namespaces
//	compressors.go  imports compress/snappy and compress/zstd (zlib is built in)
//	output.go       --json / --canonical, the printer, terminal detection
//	indent.go       indented Extended JSON for people, type wrappers on one line
//	extjson.go      Extended JSON arguments and their error messages
//	progress.go     the progress bar on stderr
//	docreader.go    input documents: NDJSON and JSON arrays, with their places
//	status.go find.go count.go distinct.go aggregate.go insert.go
//	update.go delete.go run.go export.go watch.go gridfs.go
//	                one file per command
//	import.go       import: flags, reading, batching, the report
//	import_write.go import's writes: insert with safe retry, upsert, merge
//	import_csv.go   CSV input
//	bench.go        bench: flags, timing, scores
//	bench_tasks.go  the benchmark tasks
//	bench_data.go   the benchmark data, read from the spec's tarball
//
// The tests (main_test.go) build the binary with CGO_ENABLED=0 and run it
// as a user would, against FerretDB ($TORQUE_TEST_URI) and mongotest, and,
// for change streams and network faults, against mongotest replica sets
// and internal/mockserver.
package main
