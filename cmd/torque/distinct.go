package main

import (
	"context"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

var cmdDistinct = newCommand("distinct", "[flags] db.collection field [filter]",
	"print the distinct values of a field",
	`Distinct prints the distinct values of field (dotted for embedded
fields) among the documents of db.collection that match filter: one value
a line, or {"values": [...]} with --json.`)

func init() {
	addConnFlags(cmdDistinct.Flag)
	addOutputFlags(cmdDistinct.Flag)
	cmdDistinct.Run = runDistinct
}

func runDistinct(ctx context.Context, args []string) error {
	if len(args) < 2 || len(args) > 3 {
		return usagef("want db.collection, a field and at most one filter")
	}
	filter, err := parseDocOr("filter", at(args, 2))
	if err != nil {
		return err
	}
	return withClient(ctx, func(c *client.Client) error {
		coll, err := collection(c, args[0])
		if err != nil {
			return err
		}
		values, err := coll.Distinct(ctx, args[1], filter)
		if err != nil {
			return err
		}
		p := stdout()
		if outf.json {
			arr := make(bson.A, len(values))
			for i, v := range values {
				arr[i] = v
			}
			err = p.result("", bson.D{bson.KV("values", arr)})
		} else {
			for _, v := range values {
				// A value printed alone: wrap it to reuse the document writer.
				doc, _ := bson.Marshal(bson.D{bson.KV("v", v)})
				b, err := bson.AppendExtJSON(nil, doc, outf.canonical)
				if err != nil {
					return err
				}
				p.w.Write(b[len(`{"v":`) : len(b)-1])
				p.w.WriteByte('\n')
			}
		}
		if err != nil {
			return err
		}
		return p.flush()
	})
}
