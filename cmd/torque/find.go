package main

import (
	"context"

	"github.com/torque-go/torque/client"
)

var cmdFind = newCommand("find", "[flags] db.collection [filter]",
	"print the documents that match a filter",
	`Find prints the documents of db.collection that match filter (an
Extended JSON document; default {}), one after another, indented, or one
a line with --json.

	torque find test.people '{"age": {"$gte": 30}}' --sort '{"name": 1}' --limit 10`)

var findFlags struct {
	projection, sort string
	limit, skip      int64
}

func init() {
	fs := cmdFind.Flag
	addConnFlags(fs)
	addOutputFlags(fs)
	fs.StringVar(&findFlags.projection, "projection", "", "the fields to return, as Extended JSON")
	fs.StringVar(&findFlags.sort, "sort", "", "the sort order, as Extended JSON, e.g. {\"name\": 1}")
	fs.Int64Var(&findFlags.limit, "limit", 0, "return at most this many documents (0: all)")
	fs.Int64Var(&findFlags.skip, "skip", 0, "skip this many documents first")
	cmdFind.Run = runFind
}

func runFind(ctx context.Context, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return usagef("want db.collection and at most one filter")
	}
	filter, err := parseDocOr("filter", at(args, 1))
	if err != nil {
		return err
	}
	opts := client.FindOptions{Limit: findFlags.limit, Skip: findFlags.skip}
	if findFlags.projection != "" {
		if opts.Projection, err = parseDoc("--projection", findFlags.projection); err != nil {
			return err
		}
	}
	if findFlags.sort != "" {
		if opts.Sort, err = parseDoc("--sort", findFlags.sort); err != nil {
			return err
		}
	}
	return withClient(ctx, func(c *client.Client) error {
		coll, err := collection(c, args[0])
		if err != nil {
			return err
		}
		cur, err := coll.Find(ctx, filter, opts)
		if err != nil {
			return err
		}
		return printCursor(ctx, cur)
	})
}

// printCursor prints every document of cur and closes it.
func printCursor(ctx context.Context, cur *client.Cursor) error {
	defer cur.Close(context.WithoutCancel(ctx))
	p := stdout()
	for cur.Next(ctx) {
		if err := p.doc(cur.Current); err != nil {
			return err
		}
	}
	if err := p.flush(); err != nil {
		return err
	}
	return cur.Err()
}

// at returns args[i], or "" when there is none.
func at(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}
