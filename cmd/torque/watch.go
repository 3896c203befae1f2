package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

var cmdWatch = newCommand("watch", "[flags] [db[.collection]]",
	"print a change stream's events as they happen",
	`Watch opens a change stream on a collection (db.collection), a database
(db) or the whole deployment (no argument), and prints each change event
until interrupted. Change streams need a replica set or a sharded cluster.

With --resume-file F, the resume token is written to F after each event
(and whenever the server reports a newer one), so that a watch started
again with the same file continues right after the last event it
printed: nothing lost, nothing repeated. An interrupt (Ctrl-C, SIGTERM)
lets the event being printed finish first.`)

var watchFlags struct {
	resumeFile, pipeline, fullDocument string
	maxAwait                           time.Duration
}

func init() {
	fs := cmdWatch.Flag
	addConnFlags(fs)
	addOutputFlags(fs)
	f := &watchFlags
	fs.StringVar(&f.resumeFile, "resume-file", "", "keep the resume token in this file, and start from it if it exists")
	fs.StringVar(&f.pipeline, "pipeline", "", "stages to filter or reshape the events, as an Extended JSON array")
	fs.StringVar(&f.fullDocument, "fullDocument", "", "updateLookup: include the whole document in update events")
	fs.DurationVar(&f.maxAwait, "maxAwaitTime", 0, "how long the server waits for events before an empty batch (default: the server's, 1s)")
	cmdWatch.Run = runWatch
}

func runWatch(ctx context.Context, args []string) error {
	if len(args) > 1 {
		return usagef("want at most one namespace: db or db.collection")
	}
	f := &watchFlags
	var pipeline any
	if f.pipeline != "" {
		p, err := parseArray("--pipeline", f.pipeline)
		if err != nil {
			return err
		}
		pipeline = p
	}
	opts := client.ChangeStreamOptions{FullDocument: f.fullDocument, MaxAwaitTime: f.maxAwait}
	if f.resumeFile != "" {
		tok, err := readToken(f.resumeFile)
		if err != nil {
			return err
		}
		opts.ResumeAfter = tok
	}
	return withClient(ctx, func(c *client.Client) error {
		cs, err := openStream(ctx, c, at(args, 0), pipeline, opts)
		if err != nil {
			return err
		}
		defer cs.Close(context.WithoutCancel(ctx))
		return follow(ctx, cs)
	})
}

func openStream(ctx context.Context, c *client.Client, ns string, pipeline any, opts client.ChangeStreamOptions) (*client.ChangeStream, error) {
	db, coll, _ := strings.Cut(ns, ".")
	switch {
	case ns == "":
		return c.Watch(ctx, pipeline, opts)
	case coll == "":
		return c.Database(db).Watch(ctx, pipeline, opts)
	}
	return c.Database(db).Collection(coll).Watch(ctx, pipeline, opts)
}

// follow prints events until ctx ends or the stream does, saving the
// resume token after each.
func follow(ctx context.Context, cs *client.ChangeStream) error {
	p := stdout()
	var saved []byte
	for {
		ok := cs.TryNext(ctx)
		if ok {
			if err := p.doc(cs.Current); err != nil {
				return err
			}
			if err := p.flush(); err != nil {
				return err
			}
		}
		if tok := cs.ResumeToken(); watchFlags.resumeFile != "" && tok != nil && !bytes.Equal(tok, saved) {
			if err := writeToken(watchFlags.resumeFile, tok); err != nil {
				return err
			}
			saved = append(saved[:0], tok...)
		}
		if ok {
			continue
		}
		if err := cs.Err(); err != nil {
			if ctx.Err() != nil {
				return nil // interrupted: a normal end
			}
			return err
		}
		if cs.ID() == 0 {
			return nil // the server ended the stream (invalidate)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// readToken reads the resume token of file, nil when there is no file.
func readToken(file string) (bson.Raw, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(bytes.TrimSpace(b)) == 0) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	tok, err := bson.ExtJSONToRaw(b)
	if err != nil {
		return nil, fmt.Errorf("--resume-file %s does not hold a resume token: %w", file, err)
	}
	return tok, nil
}

// writeToken replaces file with tok (canonical Extended JSON) atomically:
// a new file renamed over the old, so that a crash leaves one or the other.
func writeToken(file string, tok bson.Raw) error {
	b, err := bson.AppendExtJSON(nil, tok, true)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".torque-resume-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(b, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
