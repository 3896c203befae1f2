package main

import (
	"context"

	"github.com/torque-go/torque/client"
)

var cmdRun = newCommand("run", "[flags] db command",
	"run any database command and print its reply",
	`Run sends command (an Extended JSON document, or @file; its first key
names the command, and key order is kept) to database db and prints the
reply.

	torque run admin '{"listDatabases": 1, "nameOnly": true}'
	torque run test '{"collMod": "people", "validator": {"age": {"$gte": 0}}}'`)

func init() {
	addConnFlags(cmdRun.Flag)
	addOutputFlags(cmdRun.Flag)
	cmdRun.Run = runRun
}

func runRun(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return usagef("want a database and a command")
	}
	text, err := argOrFile(args[1])
	if err != nil {
		return err
	}
	cmd, err := parseDoc("command", text)
	if err != nil {
		return err
	}
	if len(cmd) <= 5 {
		return usagef("the command document is empty")
	}
	return withClient(ctx, func(c *client.Client) error {
		reply, err := c.Database(args[0]).RunCommand(ctx, cmd).Raw()
		if err != nil {
			return err
		}
		p := stdout()
		if err := p.doc(reply); err != nil {
			return err
		}
		return p.flush()
	})
}
