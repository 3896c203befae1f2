package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

var cmdInsert = newCommand("insert", "[flags] db.collection [document ...]",
	"insert documents",
	`Insert inserts the documents given as arguments (Extended JSON), or,
with none, those read from --file or stdin (NDJSON, or a JSON array), in
one insertMany. A document without _id gets an ObjectID. For large
inputs use import, which sends batches and shows progress.`)

var insertFlags struct {
	file    string
	ordered bool
}

func init() {
	fs := cmdInsert.Flag
	addConnFlags(fs)
	addOutputFlags(fs)
	fs.StringVar(&insertFlags.file, "file", "", "read the documents from this file (default stdin)")
	fs.BoolVar(&insertFlags.ordered, "ordered", true, "stop at the first document that fails")
	cmdInsert.Run = runInsert
}

func runInsert(ctx context.Context, args []string) error {
	if len(args) < 1 {
		return usagef("want db.collection")
	}
	docs, err := insertDocs(args[1:])
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fmt.Errorf("no documents to insert")
	}
	return withClient(ctx, func(c *client.Client) error {
		coll, err := collection(c, args[0])
		if err != nil {
			return err
		}
		res, err := coll.InsertMany(ctx, docs, client.InsertManyOptions{Unordered: !insertFlags.ordered})
		if err != nil {
			return fmt.Errorf("%d of %d inserted: %w", res.InsertedCount, len(docs), err)
		}
		p := stdout()
		ids := bson.A(res.InsertedIDs)
		err = p.result(fmt.Sprintf("inserted %d %s", res.InsertedCount, plural(res.InsertedCount, "document")),
			bson.D{bson.KV("insertedCount", res.InsertedCount), bson.KV("insertedIds", ids)})
		if err != nil {
			return err
		}
		return p.flush()
	})
}

// insertDocs reads the documents from the arguments, else from the input.
func insertDocs(args []string) ([]any, error) {
	var docs []any
	for i, a := range args {
		doc, err := parseDoc(fmt.Sprintf("document %d", i+1), a)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	if len(args) > 0 {
		return docs, nil
	}
	in, name, err := openInput(insertFlags.file)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	r, err := newJSONReader(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for {
		doc, _, err := r.next()
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		docs = append(docs, doc)
	}
}

// openInput opens the file name, or stdin when name is "" or "-"; the
// second result names it in errors.
func openInput(name string) (*os.File, string, error) {
	if name == "" || name == "-" {
		return os.Stdin, "stdin", nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, name, err
	}
	return f, name, nil
}

func plural(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
