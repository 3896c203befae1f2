package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

var cmdImport = newCommand("import", "[flags] db.collection [file]",
	"load NDJSON, a JSON array or CSV into a collection",
	`Import reads documents from file (default stdin) and writes them to
db.collection in batches: NDJSON (one Extended JSON document a line), a
JSON array of documents, or CSV with --type csv (--headerline, or
--fields to name the columns).

--mode insert (the default) inserts; upsert replaces the document whose
--upsertFields (default _id) match, or inserts it; merge sets the
document's fields on the one that matches, or inserts it.

Import stops at the first line it cannot read or the server refuses,
and names its line number; with --skip-errors it reports the line on
stderr and goes on. A document without _id gets an ObjectID before it is
sent, so a batch that is sent again after a network error never writes a
document twice.`)

var importFlags struct {
	typ, fields, mode, upsertFields string
	headerline, drop, skipErrors    bool
	ordered                         bool
	batchSize                       int
}

func init() {
	fs := cmdImport.Flag
	addConnFlags(fs)
	addOutputFlags(fs)
	f := &importFlags
	fs.StringVar(&f.typ, "type", "json", "the input format: json (NDJSON or a JSON array) or csv")
	fs.BoolVar(&f.headerline, "headerline", false, "CSV: the first line names the columns")
	fs.StringVar(&f.fields, "fields", "", "CSV: comma-separated column names")
	fs.StringVar(&f.mode, "mode", "insert", "insert, upsert or merge")
	fs.StringVar(&f.upsertFields, "upsertFields", "_id", "comma-separated fields that find the document to upsert or merge")
	fs.BoolVar(&f.drop, "drop", false, "drop the collection first")
	fs.BoolVar(&f.skipErrors, "skip-errors", false, "report bad lines and refused documents on stderr and go on")
	fs.BoolVar(&f.ordered, "ordered", true, "insert each batch in order, stopping at the first failure")
	fs.IntVar(&f.batchSize, "batchSize", 1000, "documents per batch")
	cmdImport.Run = runImport
}

// importStats are the counts of an import, read by the progress bar.
type importStats struct {
	read, written, skipped atomic.Int64
	inserted, upserted     atomic.Int64
	matched, modified      atomic.Int64
}

func runImport(ctx context.Context, args []string) error {
	f := &importFlags
	if len(args) < 1 || len(args) > 2 {
		return usagef("want db.collection and at most one file")
	}
	if f.mode != "insert" && f.mode != "upsert" && f.mode != "merge" {
		return usagef("--mode is insert, upsert or merge, not %q", f.mode)
	}
	if f.batchSize < 1 {
		return usagef("--batchSize must be at least 1")
	}
	in, name, err := openInput(at(args, 1))
	if err != nil {
		return err
	}
	defer in.Close()
	var total int64 // the size of a regular file, for the ETA
	if st, err := in.Stat(); err == nil && st.Mode().IsRegular() {
		total = st.Size()
	}
	counted := &countingReader{r: in}
	r, err := newImportReader(counted)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return withClient(ctx, func(c *client.Client) error {
		coll, err := collection(c, args[0])
		if err != nil {
			return err
		}
		if f.drop {
			if err := coll.Drop(ctx); err != nil {
				return err
			}
		}
		var st importStats
		bar := startProgress("imported", total, true, st.written.Load, counted.n.Load)
		err = importAll(ctx, coll, r, &st)
		bar.stop()
		if err != nil {
			// One message: what and where, and what was done before it.
			n := st.written.Load()
			return fmt.Errorf("%s: %w (%d %s written before it)", name, err, n, plural(n, "document"))
		}
		report(&st)
		return nil
	})
}

func newImportReader(r io.Reader) (docReader, error) {
	switch importFlags.typ {
	case "json":
		return newJSONReader(r)
	case "csv":
		return newCSVReader(r, importFlags.headerline, splitFields(importFlags.fields))
	}
	return nil, usagef("--type is json or csv, not %q", importFlags.typ)
}

// importAll reads batches and writes them until the input ends or
// something fails.
func importAll(ctx context.Context, coll *client.Collection, r docReader, st *importStats) error {
	w := newBatchWriter(coll, st)
	b := &batch{}
	for {
		doc, line, err := r.next()
		if err == io.EOF {
			break
		}
		var ie *inputError
		if errors.As(err, &ie) && importFlags.skipErrors {
			st.skipped.Add(1)
			fmt.Fprintf(os.Stderr, "torque import: skipped %s\n", oneLine(ie.Error()))
			continue
		}
		if err != nil {
			return err
		}
		st.read.Add(1)
		if err := b.add(doc, line); err != nil {
			return err
		}
		if len(b.docs) >= importFlags.batchSize || b.size >= 8<<20 {
			if err := w.write(ctx, b); err != nil {
				return err
			}
			b.reset()
		}
	}
	if len(b.docs) > 0 {
		return w.write(ctx, b)
	}
	return nil
}

// report prints what was done: on stderr for people, on stdout with --json.
func report(st *importStats) {
	doc := bson.D{bson.KV("read", st.read.Load()), bson.KV("inserted", st.inserted.Load()),
		bson.KV("upserted", st.upserted.Load()), bson.KV("matched", st.matched.Load()),
		bson.KV("modified", st.modified.Load()), bson.KV("skipped", st.skipped.Load())}
	if outf.json {
		p := stdout()
		p.result("", doc)
		p.flush()
		return
	}
	s := fmt.Sprintf("imported %d %s", st.written.Load(), plural(st.written.Load(), "document"))
	if importFlags.mode != "insert" {
		s += fmt.Sprintf(" (%d inserted, %d matched, %d modified)", st.upserted.Load(), st.matched.Load(), st.modified.Load())
	}
	if n := st.skipped.Load(); n > 0 {
		s += fmt.Sprintf(", skipped %d", n)
	}
	fmt.Fprintln(os.Stderr, s)
}
