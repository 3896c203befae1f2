package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

var cmdExport = newCommand("export", "[flags] db.collection",
	"write a collection, or a query's result, as NDJSON or CSV",
	`Export writes the documents of db.collection that match --query to
--out (default stdout): NDJSON, one relaxed Extended JSON document a line
(--canonical for canonical), or CSV with --type csv, whose columns are
--fields (dotted names reach into embedded documents). With --fields, the
JSON output holds those fields only (and _id). What export writes, import
reads back to the same documents.`)

var exportFlags struct {
	query, fields, typ, out, sort string
	limit, skip                   int64
}

func init() {
	fs := cmdExport.Flag
	addConnFlags(fs)
	addCanonicalFlag(fs)
	fs.StringVar(&exportFlags.query, "query", "", "the filter, as Extended JSON (default: every document)")
	fs.StringVar(&exportFlags.fields, "fields", "", "comma-separated field names to export (required for CSV)")
	fs.StringVar(&exportFlags.typ, "type", "json", "the output format: json (NDJSON) or csv")
	fs.StringVar(&exportFlags.out, "out", "", "the file to write (default stdout)")
	fs.StringVar(&exportFlags.sort, "sort", "", "the sort order, as Extended JSON")
	fs.Int64Var(&exportFlags.limit, "limit", 0, "export at most this many documents")
	fs.Int64Var(&exportFlags.skip, "skip", 0, "skip this many documents first")
	cmdExport.Run = runExport
}

func runExport(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return usagef("want db.collection")
	}
	f := &exportFlags
	fields := splitFields(f.fields)
	if f.typ != "json" && f.typ != "csv" {
		return usagef("--type is json or csv, not %q", f.typ)
	}
	if f.typ == "csv" && len(fields) == 0 {
		return usagef("CSV needs --fields")
	}
	filter, err := parseDocOr("--query", f.query)
	if err != nil {
		return err
	}
	opts := client.FindOptions{Limit: f.limit, Skip: f.skip}
	if f.sort != "" {
		if opts.Sort, err = parseDoc("--sort", f.sort); err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		proj := bson.D{}
		for _, name := range fields {
			proj = append(proj, bson.KV(name, 1))
		}
		opts.Projection = proj
	}
	return withClient(ctx, func(c *client.Client) error {
		coll, err := collection(c, args[0])
		if err != nil {
			return err
		}
		out, err := createOutput(f.out)
		if err != nil {
			return err
		}
		n, err := exportTo(ctx, coll, filter, opts, fields, out)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if f.out != "" || !isTerminal(os.Stdout) {
			fmt.Fprintf(os.Stderr, "exported %d %s\n", n, plural(n, "document"))
		}
		return nil
	})
}

// exportTo writes the documents to w and returns how many.
func exportTo(ctx context.Context, coll *client.Collection, filter bson.Raw, opts client.FindOptions,
	fields []string, w io.Writer) (int64, error) {
	var n, size atomic.Int64
	if isTerminal(os.Stderr) {
		total, _ := coll.CountDocuments(ctx, filter)
		if opts.Limit > 0 {
			total = min(total, opts.Limit)
		}
		bar := startProgress("exported", total, false, n.Load, size.Load)
		defer bar.stop()
	}
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return 0, err
	}
	defer cur.Close(context.WithoutCancel(ctx))
	bw := bufio.NewWriterSize(w, 256<<10)
	var write func(bson.Raw) error
	if exportFlags.typ == "csv" {
		write, err = csvWriter(bw, fields)
		if err != nil {
			return 0, err
		}
	} else {
		var buf []byte
		write = func(doc bson.Raw) error {
			buf, err = bson.AppendExtJSON(buf[:0], doc, outf.canonical)
			if err != nil {
				return err
			}
			buf = append(buf, '\n')
			_, err = bw.Write(buf)
			return err
		}
	}
	for cur.Next(ctx) {
		if err := write(cur.Current); err != nil {
			return n.Load(), fmt.Errorf("document %d: %w", n.Load()+1, err)
		}
		n.Add(1)
		size.Add(int64(len(cur.Current)))
	}
	if err := cur.Err(); err != nil {
		return n.Load(), err
	}
	return n.Load(), bw.Flush()
}

// csvWriter writes the header line and returns the function that writes
// one document as a row: strings as they are, other values as relaxed
// Extended JSON, missing fields empty.
func csvWriter(w io.Writer, fields []string) (func(bson.Raw) error, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(fields); err != nil {
		return nil, err
	}
	row := make([]string, len(fields))
	return func(doc bson.Raw) error {
		if err := doc.ValidateStructure(); err != nil { // Lookup would read a malformed document as empty cells
			return err
		}
		for i, f := range fields {
			row[i] = csvValue(doc.Lookup(strings.Split(f, ".")...))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	}, nil
}

func csvValue(v bson.RawValue) string {
	if v.Type == 0 {
		return ""
	}
	if s, ok := v.StringValue(); ok {
		return s
	}
	return v.String()
}

func splitFields(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// createOutput creates the file name, or returns stdout for "" or "-".
func createOutput(name string) (io.WriteCloser, error) {
	if name == "" || name == "-" {
		return nopWriteCloser{os.Stdout}, nil
	}
	return os.Create(name)
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
