package main

import (
	"context"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

var cmdUpdate = newCommand("update", "[flags] db.collection filter update",
	"update the documents that match a filter",
	`Update applies update (a document of update operators such as
{"$set": {...}}, or a pipeline [...]) to the first document of
db.collection that matches filter, or to all of them with --many.
--replace takes a whole replacement document instead of operators.

	torque update test.people '{"name": "Ada"}' '{"$inc": {"age": 1}}'`)

var updateFlags struct {
	many, upsert, replace bool
}

func init() {
	fs := cmdUpdate.Flag
	addConnFlags(fs)
	addOutputFlags(fs)
	fs.BoolVar(&updateFlags.many, "many", false, "update every matching document, not only the first")
	fs.BoolVar(&updateFlags.upsert, "upsert", false, "insert a document when none matches")
	fs.BoolVar(&updateFlags.replace, "replace", false, "update is a replacement document")
	cmdUpdate.Run = runUpdate
}

func runUpdate(ctx context.Context, args []string) error {
	if len(args) != 3 {
		return usagef("want db.collection, a filter and an update")
	}
	if updateFlags.replace && updateFlags.many {
		return usagef("--replace and --many do not go together")
	}
	filter, err := parseDoc("filter", args[1])
	if err != nil {
		return err
	}
	var update any
	if len(args[2]) > 0 && args[2][0] == '[' {
		update, err = parseArray("update pipeline", args[2])
	} else {
		update, err = parseDoc("update", args[2])
	}
	if err != nil {
		return err
	}
	return withClient(ctx, func(c *client.Client) error {
		coll, err := collection(c, args[0])
		if err != nil {
			return err
		}
		var res client.UpdateResult
		switch {
		case updateFlags.replace:
			res, err = coll.ReplaceOne(ctx, filter, update, client.ReplaceOptions{Upsert: updateFlags.upsert})
		case updateFlags.many:
			res, err = coll.UpdateMany(ctx, filter, update, client.UpdateOptions{Upsert: updateFlags.upsert})
		default:
			res, err = coll.UpdateOne(ctx, filter, update, client.UpdateOptions{Upsert: updateFlags.upsert})
		}
		if err != nil {
			return err
		}
		human := fmt.Sprintf("matched %d, modified %d", res.MatchedCount, res.ModifiedCount)
		doc := bson.D{bson.KV("matchedCount", res.MatchedCount), bson.KV("modifiedCount", res.ModifiedCount),
			bson.KV("upsertedCount", res.UpsertedCount)}
		if res.UpsertedID != nil {
			human += fmt.Sprintf(", upserted %v", res.UpsertedID)
			doc = append(doc, bson.KV("upsertedId", res.UpsertedID))
		}
		p := stdout()
		if err := p.result(human, doc); err != nil {
			return err
		}
		return p.flush()
	})
}
