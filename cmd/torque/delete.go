package main

import (
	"context"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

var cmdDelete = newCommand("delete", "[flags] db.collection filter",
	"delete the documents that match a filter",
	`Delete deletes the first document of db.collection that matches filter,
or all of them with --many. The filter is required: '{}' with --many
deletes everything.`)

var deleteMany bool

func init() {
	addConnFlags(cmdDelete.Flag)
	addOutputFlags(cmdDelete.Flag)
	cmdDelete.Flag.BoolVar(&deleteMany, "many", false, "delete every matching document, not only the first")
	cmdDelete.Run = runDelete
}

func runDelete(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return usagef("want db.collection and a filter")
	}
	filter, err := parseDoc("filter", args[1])
	if err != nil {
		return err
	}
	return withClient(ctx, func(c *client.Client) error {
		coll, err := collection(c, args[0])
		if err != nil {
			return err
		}
		var res client.DeleteResult
		if deleteMany {
			res, err = coll.DeleteMany(ctx, filter)
		} else {
			res, err = coll.DeleteOne(ctx, filter)
		}
		if err != nil {
			return err
		}
		p := stdout()
		err = p.result(fmt.Sprintf("deleted %d %s", res.DeletedCount, plural(res.DeletedCount, "document")),
			bson.D{bson.KV("deletedCount", res.DeletedCount)})
		if err != nil {
			return err
		}
		return p.flush()
	})
}
