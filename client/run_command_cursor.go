package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/internal/driver"
)

// RunCommandCursorOptions are the options of RunCommandCursor. Those of
// the command itself (its batchSize, maxTimeMS, comment) go in the
// command; these apply to the getMores that follow.
type RunCommandCursorOptions struct {
	// ReadPreference selects the server; nil means primary.
	ReadPreference *ReadPref
	// BatchSize is the batchSize of each getMore (0: the server's default).
	BatchSize int32
	// MaxAwaitTime is the maxTimeMS of each getMore: how long a tailable
	// awaitData cursor waits for new documents.
	MaxAwaitTime time.Duration
	// Comment is the comment of each getMore (servers 4.4+).
	Comment any
}

// RunCommandCursor runs cmd, an ordered document (bson.D, bson.Raw or a
// struct) naming any command whose reply is a cursor ({find: ...},
// {aggregate: ...}, {listCollections: 1}, checkMetadataConsistency ...),
// and returns a Cursor over its results, which reads further batches with
// getMore. A reply without a cursor document is an error (use RunCommand
// for other commands). The command runs once: it is never retried, since
// torque cannot know whether any command given is safe to retry.
func (db *Database) RunCommandCursor(ctx context.Context, cmd any, opts ...RunCommandCursorOptions) (*Cursor, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	if cmd == nil {
		return nil, errors.New("client: RunCommandCursor: command must not be nil")
	}
	if err := checkOrdered(cmd, "RunCommandCursor's command"); err != nil {
		return nil, err
	}
	doc, err := db.enc.Marshal(cmd)
	if err != nil {
		return nil, fmt.Errorf("client: RunCommandCursor: %w", err)
	}
	name := firstKey(doc)
	if name == "" {
		return nil, errors.New("client: RunCommandCursor: command document is empty")
	}
	spec := &cursorSpec{name: name, db: db.name, kind: driver.Command, batchSize: o.BatchSize,
		maxAwait: o.MaxAwaitTime, comment: o.Comment, enc: db.enc, dec: db.dec,
		build: func(dst []byte) ([]byte, error) { return append(dst, doc[4:len(doc)-1]...), nil }}
	if o.ReadPreference != nil {
		spec.rp = *o.ReadPreference
	}
	if s := sessionFrom(ctx); s != nil {
		// In a transaction the command must go to the primary.
		if err := s.cs.CheckCommandReadPref(spec.rp.Mode); err != nil {
			return nil, err
		}
	}
	spec.timeout = db.timeout
	return db.client.openCursor(ctx, spec)
}
