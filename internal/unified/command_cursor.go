package unified

import (
	"context"
	"fmt"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/topology"
)

// runCursorCommand and createCommandCursor (the run-command
// specification): Database.RunCommandCursor, read to its end or kept as
// a cursor entity.

// commandCursor reads the arguments and opens the cursor.
func commandCursor(ctx context.Context, db *client.Database, a *args) (*client.Cursor, error) {
	cmd := a.doc("command")
	a.skip("commandName") // the command document's first key names it
	// cursorType (tailable, tailableAwait) is in the command itself; the
	// cursor needs nothing more.
	a.skip("cursorType")
	o := client.RunCommandCursorOptions{BatchSize: int32(a.int64("batchSize")), MaxAwaitTime: a.millis("maxTimeMS"),
		Comment: a.value("comment")}
	if rp := a.doc("readPreference"); rp != nil {
		mode, _ := rp.Lookup("mode").StringValue()
		m, ok := topology.ParseMode(mode)
		if !ok {
			return nil, fmt.Errorf("runner: readPreference: unknown mode %q", mode)
		}
		o.ReadPreference = &client.ReadPref{Mode: m}
	}
	if err := a.done(); err != nil {
		return nil, err
	}
	return db.RunCommandCursor(ctx, cmd, o)
}

// runCursorCommand's result is every document of the cursor.
func runCursorCommand(ctx context.Context, db *client.Database, a *args) outcome {
	cur, err := commandCursor(ctx, db, a)
	return drain(ctx, cur, err)
}

// createCommandCursor keeps the cursor, unread, as an entity.
func createCommandCursor(ctx context.Context, db *client.Database, a *args) outcome {
	cur, err := commandCursor(ctx, db, a)
	if err != nil {
		return outcome{err: err}
	}
	return outcome{entity: findCursorEntity{cur}}
}
