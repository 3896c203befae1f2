package bench

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
)

// A Task is one benchmark, written once for each driver. Its functions do
// their setup, then loop with b.Loop (or over b.N) and return the first
// error, which fails the measurement.
type Task struct {
	Name   string // e.g. "bson/flat/encode/D", "mock/find-one"
	Group  string // bson, single, multi, parallel, floor: picks the target
	Server string // "mock", "ferretdb" or "" for client-side tasks
	Bytes  int64  // bytes per op for MB/s; 0 reports ops/s instead

	Torque, Official func(b *testing.B) error
}

// Measure is every run of one task for one driver.
type Measure struct {
	Runs []testing.BenchmarkResult
	Err  error
}

// Row is one task's line of the table.
type Row struct {
	Task             Task
	Torque, Official Measure
}

// Run measures each task runs times per driver, alternating the drivers so
// that a noisy moment hurts both alike, and reports progress to log.
func Run(tasks []Task, runs int, log io.Writer) []Row {
	rows := make([]Row, len(tasks))
	for i, t := range tasks {
		rows[i].Task = t
		for r := 0; r < runs; r++ {
			measure(&rows[i].Torque, t.Torque)
			measure(&rows[i].Official, t.Official)
		}
		fmt.Fprintf(log, "  %-36s torque %-14s official %s\n", t.Name, shortRate(t, rows[i].Torque), shortRate(t, rows[i].Official))
	}
	return rows
}

func measure(m *Measure, f func(*testing.B) error) {
	if f == nil || m.Err != nil {
		return
	}
	var err error
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		if e := f(b); e != nil && err == nil {
			err = e
			b.SkipNow()
		}
	})
	if err != nil {
		m.Err = err
		return
	}
	if res.N == 0 {
		m.Err = fmt.Errorf("the benchmark did not run")
		return
	}
	m.Runs = append(m.Runs, res)
}

// rates returns the throughput of each run (MB/s, or ops/s when the task
// has no size), sorted.
func rates(t Task, m Measure) []float64 {
	var r []float64
	for _, res := range m.Runs {
		r = append(r, rate(t, float64(res.T.Nanoseconds())/float64(res.N)))
	}
	slices.Sort(r)
	return r
}

func rate(t Task, nsPerOp float64) float64 {
	if t.Bytes > 0 {
		return float64(t.Bytes) / nsPerOp * 1e3 // bytes/ns -> MB/s (10^6)
	}
	return 1e9 / nsPerOp
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	return x[len(x)/2]
}

// medianRun is the run whose throughput is the median, for ns/op and allocations.
func medianRun(t Task, m Measure) testing.BenchmarkResult {
	runs := slices.Clone(m.Runs)
	slices.SortFunc(runs, func(a, b testing.BenchmarkResult) int {
		return int(a.NsPerOp() - b.NsPerOp())
	})
	return runs[len(runs)/2]
}

func shortRate(t Task, m Measure) string {
	if m.Err != nil {
		return "error"
	}
	if len(m.Runs) == 0 {
		return "-"
	}
	return fmtRate(median(rates(t, m)))
}

func fmtRate(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e4:
		return fmt.Sprintf("%.0f", x)
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}

// PrintTable writes the rows as one Markdown table, then the errors.
func PrintTable(w io.Writer, rows []Row) {
	fmt.Fprintln(w, "| task | unit | torque median (min-max) | official median (min-max) | ns/op t / o | B/op t / o | allocs/op t / o | t/o speed | target |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	errs := map[string][]string{} // message -> tasks
	for _, r := range rows {
		unit := "ops/s"
		if r.Task.Bytes > 0 {
			unit = "MB/s"
		}
		tr, or := rates(r.Task, r.Torque), rates(r.Task, r.Official)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Task.Name, unit,
			spread(tr), spread(or),
			pair(r, func(b testing.BenchmarkResult) int64 { return b.NsPerOp() }),
			pair(r, func(b testing.BenchmarkResult) int64 { return b.AllocedBytesPerOp() }),
			pair(r, func(b testing.BenchmarkResult) int64 { return b.AllocsPerOp() }),
			ratio(median(tr), median(or)), verdict(r, rows))
		for d, m := range map[string]Measure{"torque": r.Torque, "official": r.Official} {
			if m.Err != nil {
				msg := d + ": " + m.Err.Error()
				errs[msg] = append(errs[msg], r.Task.Name)
			}
		}
	}
	if len(errs) > 0 {
		fmt.Fprintln(w)
	}
	for _, msg := range slices.Sorted(maps.Keys(errs)) {
		tasks := errs[msg]
		fmt.Fprintf(w, "- error in %d task(s) (%s): %s\n", len(tasks), strings.Join(tasks, ", "), oneLine(msg))
	}
}

func spread(r []float64) string {
	if len(r) == 0 {
		return "-"
	}
	if len(r) == 1 {
		return fmtRate(r[0])
	}
	return fmt.Sprintf("%s (%s-%s)", fmtRate(median(r)), fmtRate(r[0]), fmtRate(r[len(r)-1]))
}

func pair(r Row, f func(testing.BenchmarkResult) int64) string {
	s := func(m Measure) string {
		if len(m.Runs) == 0 {
			return "-"
		}
		return fmt.Sprint(f(medianRun(r.Task, m)))
	}
	return s(r.Torque) + " / " + s(r.Official)
}

func ratio(t, o float64) string {
	if t == 0 || o == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", t/o)
}

// verdict shows the task's target and whether this run met it; the targets
// are goals to read, not assertions.
func verdict(r Row, rows []Row) string {
	if len(r.Torque.Runs) == 0 || len(r.Official.Runs) == 0 {
		return "-"
	}
	t, o := medianRun(r.Task, r.Torque), medianRun(r.Task, r.Official)
	speed := median(rates(r.Task, r.Torque)) / median(rates(r.Task, r.Official))
	// A third of official's allocations, or just the result's one.
	allocs := float64(t.AllocsPerOp()) <= max(float64(o.AllocsPerOp())/3, 1)
	switch {
	case strings.HasSuffix(r.Task.Name, "/decode/raw"):
		return "not like for like: official checks the top level only"
	case r.Task.Group == "bson":
		return mark("≥2x, ≤1/3 allocs", speed >= 2 && allocs)
	case r.Task.Group == "parallel":
		return parallelVerdict(r, rows)
	case r.Task.Server == "mock" && (strings.HasSuffix(r.Task.Name, "/find-one") || strings.HasSuffix(r.Task.Name, "/insert-one-small")):
		return mark("≤1/2 ns, ≤1/3 allocs", speed >= 2 && allocs)
	case r.Task.Server == "ferretdb":
		return mark("not slower (5% noise)", speed >= 0.95)
	}
	return ""
}

// parallelVerdict compares scaling: ops/s at G goroutines over ops/s at one,
// torque against official. The 1-goroutine row is the base.
func parallelVerdict(r Row, rows []Row) string {
	base := r.Task.Name[:strings.LastIndexByte(r.Task.Name, '/')] + "/1"
	if r.Task.Name == base {
		return "base of scaling"
	}
	for _, b := range rows {
		if b.Task.Name == base && len(b.Torque.Runs) > 0 && len(b.Official.Runs) > 0 {
			ts := median(rates(r.Task, r.Torque)) / median(rates(b.Task, b.Torque))
			os := median(rates(r.Task, r.Official)) / median(rates(b.Task, b.Official))
			return mark(fmt.Sprintf("scaling %.2fx vs %.2fx", ts, os), ts >= os*0.95)
		}
	}
	return ""
}

func mark(target string, ok bool) string {
	if ok {
		return target + " ✓"
	}
	return target + " ✗"
}
