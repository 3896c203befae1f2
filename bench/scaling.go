package bench

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ScalingOptions bound the scaling measurements (Scaling).
type ScalingOptions struct {
	// Quick is the smoke run of the tests: two points per curve, small
	// counts, a few milliseconds each.
	Quick bool
	// MaxResults is the largest result size (default 100,000 documents;
	// 1,000,000 for the published tables).
	MaxResults int
	// RunTime is how long each concurrency point runs (default 300 ms).
	RunTime time.Duration
	// PlotDir, when set, receives one PNG plot per table.
	PlotDir string
}

// Scaling measures how torque's costs grow with the work, and the official
// driver's beside it where both apply, against NullServers in this
// process: document size, result size, concurrency and topology size. It
// writes one Markdown table per measurement, and a PNG plot of each into
// o.PlotDir when that is set.
func Scaling(ctx context.Context, w io.Writer, o ScalingOptions) error {
	if o.MaxResults == 0 {
		o.MaxResults = 100_000
	}
	if o.RunTime == 0 {
		o.RunTime = 300 * time.Millisecond
	}
	for _, m := range []func(context.Context, ScalingOptions) (*scalingTable, error){
		scaleDocSize, scaleResults, scaleConcurrency, scaleTopology, scaleHeartbeats,
		scaleCheckout,
	} {
		t, err := m(ctx, o)
		if err != nil {
			return err
		}
		t.write(w)
		if o.PlotDir != "" {
			if err := t.plot(filepath.Join(o.PlotDir, t.file+".png")); err != nil {
				return err
			}
			fmt.Fprintf(w, "\n![%s](%s)\n", t.title, t.file+".png")
		}
	}
	return nil
}

// scalingTable is one measurement: a column of x values and the series
// measured at each; a series may leave a cell empty (NaN).
type scalingTable struct {
	title, file string // heading, and the PNG's name without extension
	note        string // what the table shows, under the heading
	after       string // Markdown under the table, if any
	x           string // the x column's name
	xs          []float64
	xfmt        func(float64) string
	cols        []*scalingSeries
	plotY       string // the label of the plotted unit
	plotCols    []int  // the columns plotted (all when nil)
	logY        bool
}

type scalingSeries struct {
	name string
	vals []float64
	fmt  func(float64) string
}

func (t *scalingTable) add(name string, f func(float64) string) *scalingSeries {
	c := &scalingSeries{name: name, fmt: f}
	t.cols = append(t.cols, c)
	return c
}

func (t *scalingTable) write(w io.Writer) {
	fmt.Fprintf(w, "\n### %s\n\n%s\n\n| %s |", t.title, t.note, t.x)
	for _, c := range t.cols {
		fmt.Fprintf(w, " %s |", c.name)
	}
	fmt.Fprint(w, "\n| ---: |")
	for range t.cols {
		fmt.Fprint(w, " ---: |")
	}
	fmt.Fprintln(w)
	for i, x := range t.xs {
		fmt.Fprintf(w, "| %s |", t.xfmt(x))
		for _, c := range t.cols {
			v := "-"
			if i < len(c.vals) && c.vals[i] == c.vals[i] {
				v = c.fmt(c.vals[i])
			}
			fmt.Fprintf(w, " %s |", v)
		}
		fmt.Fprintln(w)
	}
	if t.after != "" {
		fmt.Fprintf(w, "\n%s\n", t.after)
	}
}

// Formats of the table cells.
func fmtBytes(v float64) string {
	switch {
	case v >= 1<<20:
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	case v >= 1<<10:
		return fmt.Sprintf("%.1f KiB", v/(1<<10))
	}
	return fmt.Sprintf("%.0f B", v)
}

func fmtDuration(ns float64) string {
	return time.Duration(ns).Round(time.Duration(precision(ns))).String()
}

func precision(ns float64) float64 {
	p := 1.0
	for ns >= 1000*p {
		p *= 10
	}
	return p
}

func fmtCount(v float64) string {
	switch {
	case v >= 1e6 && v == float64(int64(v/1e6))*1e6:
		return fmt.Sprintf("%.0fM", v/1e6)
	case v >= 1e3 && v == float64(int64(v/1e3))*1e3:
		return fmt.Sprintf("%.0fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtRound(v float64) string { return fmt.Sprintf("%.0f", v) }

// scalingClients connects both drivers to a NullServer with pools of the
// given size (0: each driver's default).
func scalingClients(ctx context.Context, uri string, pool int) (*client.Client, *mongo.Client, error) {
	var o client.Options
	oo := options.Client().ApplyURI(uri)
	if pool > 0 {
		o.MaxPoolSize = pool
		oo.SetMaxPoolSize(uint64(pool))
	}
	t, err := client.Connect(ctx, uri, o)
	if err != nil {
		return nil, nil, err
	}
	off, err := mongo.Connect(oo)
	if err != nil {
		t.Disconnect(ctx)
		return nil, nil, err
	}
	return t, off, nil
}

// percentile returns the p-th percentile (0-100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

func sortDurations(d []time.Duration) { sort.Slice(d, func(i, j int) bool { return d[i] < d[j] }) }

// scalingDoc is a document of about size bytes: an _id and one string.
func scalingDoc(id bson.ObjectID, size int) bson.Raw {
	pad := size - 40
	if pad < 1 {
		pad = 1
	}
	doc, _ := bson.Marshal(bson.D{bson.KV("_id", id), bson.KV("s", strings.Repeat("x", pad))})
	return doc
}

// timeOps runs op until d has passed (at least min times) and returns the
// time and the bytes allocated per op (runtime.MemStats.TotalAlloc: every
// goroutine's allocations, the server's included).
func timeOps(d time.Duration, min int, op func() error) (nsPerOp, bytesPerOp float64, err error) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	n := 0
	for ; n < min || time.Since(start) < d; n++ {
		if err := op(); err != nil {
			return 0, 0, err
		}
	}
	el := time.Since(start)
	runtime.ReadMemStats(&m1)
	return float64(el.Nanoseconds()) / float64(n), float64(m1.TotalAlloc-m0.TotalAlloc) / float64(n), nil
}

// testingAllocs is the average number of allocations of one call of f.
func testingAllocs(f func() error) float64 {
	return testing.AllocsPerRun(1000, func() { _ = f() })
}
