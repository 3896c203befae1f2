package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

var cmdBench = newCommand("bench", "[flags]",
	"run the driver benchmarking specification's tasks against a server",
	`Bench runs the single- and multi-document tasks of MongoDB's driver
benchmarking specification (run command, find one by _id, insertOne of a
small and a large document, find many, insertMany of small and large
documents, GridFS upload and download) against the server, in database
perftest (dropped at the end), and prints each task's score: the data
set's size divided by the median time of an iteration, in MB/s.

The data sets are read at run time from single_and_multi_document.tgz in
--data (default $MONGO_SPEC_DIR/benchmarking/data). --scale N divides
every task's document count by N for a quick run (the scores stay
comparable in MB/s, not in seconds).`)

var benchFlags struct {
	data, tasks       string
	iterations, scale int
}

func init() {
	fs := cmdBench.Flag
	addConnFlags(fs)
	addOutputFlags(fs)
	f := &benchFlags
	fs.StringVar(&f.data, "data", "", "the directory of the benchmark tarballs (default $MONGO_SPEC_DIR/benchmarking/data)")
	fs.StringVar(&f.tasks, "tasks", "", "run only the tasks whose name matches this regular expression")
	fs.IntVar(&f.iterations, "iterations", 5, "timed iterations per task")
	fs.IntVar(&f.scale, "scale", 1, "divide each task's document count by this")
	cmdBench.Run = runBench
}

// benchTask is one task: setup before each iteration (untimed), run
// timed, size bytes of data per iteration.
type benchTask struct {
	name  string
	size  int64
	once  func(ctx context.Context) error // before the first iteration
	setup func(ctx context.Context) error
	run   func(ctx context.Context) error
}

func runBench(ctx context.Context, args []string) error {
	f := &benchFlags
	if len(args) != 0 {
		return usagef("bench takes no arguments")
	}
	if f.iterations < 1 || f.scale < 1 {
		return usagef("--iterations and --scale must be at least 1")
	}
	match, err := regexp.Compile(f.tasks)
	if err != nil {
		return usagef("--tasks: %v", err)
	}
	data, err := loadBenchData(specDataDir(f.data), match.MatchString("gridfs-upload") || match.MatchString("gridfs-download"))
	if err != nil {
		return err
	}
	return withClient(ctx, func(c *client.Client) error {
		db := c.Database("perftest")
		defer db.Drop(context.WithoutCancel(ctx))
		p := stdout()
		for _, t := range benchTasks(db, data, f.scale) {
			if !match.MatchString(t.name) {
				continue
			}
			median, err := timeTask(ctx, t, f.iterations)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			mbs := float64(t.size) / median.Seconds() / 1e6
			err = p.result(fmt.Sprintf("%-34s %9.2f MB/s  (median %v of %d)", t.name, mbs, median.Round(time.Microsecond), f.iterations),
				bson.D{bson.KV("task", t.name), bson.KV("mbPerSec", mbs), bson.KV("medianSeconds", median.Seconds()),
					bson.KV("iterations", f.iterations), bson.KV("bytes", t.size)})
			if err != nil {
				return err
			}
			p.flush()
		}
		return nil
	})
}

// timeTask runs the iterations and returns the median time.
func timeTask(ctx context.Context, t benchTask, iterations int) (time.Duration, error) {
	if t.once != nil {
		if err := t.once(ctx); err != nil {
			return 0, err
		}
	}
	times := make([]time.Duration, 0, iterations)
	for range iterations {
		if t.setup != nil {
			if err := t.setup(ctx); err != nil {
				return 0, err
			}
		}
		start := time.Now()
		if err := t.run(ctx); err != nil {
			return 0, err
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}
