package main

import (
	"context"
	"strconv"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

var cmdCount = newCommand("count", "[flags] db.collection [filter]",
	"count the documents that match a filter",
	`Count prints how many documents of db.collection match filter (default
{}: all). --estimate asks the collection's metadata instead, which is
fast but ignores the filter.`)

var countEstimate bool

func init() {
	addConnFlags(cmdCount.Flag)
	addOutputFlags(cmdCount.Flag)
	cmdCount.Flag.BoolVar(&countEstimate, "estimate", false, "use the collection's metadata count (no filter)")
	cmdCount.Run = runCount
}

func runCount(ctx context.Context, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return usagef("want db.collection and at most one filter")
	}
	if countEstimate && len(args) == 2 {
		return usagef("--estimate takes no filter")
	}
	filter, err := parseDocOr("filter", at(args, 1))
	if err != nil {
		return err
	}
	return withClient(ctx, func(c *client.Client) error {
		coll, err := collection(c, args[0])
		if err != nil {
			return err
		}
		var n int64
		if countEstimate {
			n, err = coll.EstimatedDocumentCount(ctx)
		} else {
			n, err = coll.CountDocuments(ctx, filter)
		}
		if err != nil {
			return err
		}
		p := stdout()
		if err := p.result(strconv.FormatInt(n, 10), bson.D{bson.KV("count", n)}); err != nil {
			return err
		}
		return p.flush()
	})
}
