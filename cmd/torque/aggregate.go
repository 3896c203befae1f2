package main

import (
	"context"

	"github.com/torque-go/torque/client"
)

var cmdAggregate = newCommand("aggregate", "[flags] db.collection pipeline",
	"run an aggregation pipeline and print its results",
	`Aggregate runs pipeline (an Extended JSON array of stages, or @file to
read it from a file) on db.collection and prints the resulting documents.

	torque aggregate test.orders '[{"$group": {"_id": "$status", "n": {"$sum": 1}}}]'`)

var aggAllowDiskUse bool

func init() {
	addConnFlags(cmdAggregate.Flag)
	addOutputFlags(cmdAggregate.Flag)
	cmdAggregate.Flag.BoolVar(&aggAllowDiskUse, "allowDiskUse", false, "let stages write temporary files on the server")
	cmdAggregate.Run = runAggregate
}

func runAggregate(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return usagef("want db.collection and a pipeline")
	}
	text, err := argOrFile(args[1])
	if err != nil {
		return err
	}
	pipeline, err := parseArray("pipeline", text)
	if err != nil {
		return err
	}
	var opts client.AggregateOptions
	if aggAllowDiskUse {
		opts.AllowDiskUse = &aggAllowDiskUse
	}
	return withClient(ctx, func(c *client.Client) error {
		coll, err := collection(c, args[0])
		if err != nil {
			return err
		}
		cur, err := coll.Aggregate(ctx, pipeline, opts)
		if err != nil {
			return err
		}
		return printCursor(ctx, cur)
	})
}
