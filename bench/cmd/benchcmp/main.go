// Command benchcmp measures torque against the official Go driver on the
// tasks of the MongoDB driver benchmarking specification, and compares the
// footprint of a small program built with each, printing Markdown tables.
//
//	go run ./cmd/benchcmp                    # everything, against both servers
//	go run ./cmd/benchcmp -tasks 'bson/flat' -runs 5
//	go run ./cmd/benchcmp -server mock -footprint=false
//	go run ./cmd/benchcmp -footprint-deps 'torque/bson\.'   # what each bson symbol keeps linked
//
// The FerretDB server comes from -uri, else $TORQUE_TEST_URI, else the
// program starts the binary named by $TORQUE_FERRETDB (default: the one
// `make ferretdb` caches) on a free port with a throwaway data directory.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bench"
)

func main() {
	testing.Init() // testing.Benchmark reads -test.benchtime
	tasksRE := flag.String("tasks", "", "regular expression: run only the tasks whose name matches")
	runs := flag.Int("runs", 3, "runs of each task per driver (median, min and max are shown)")
	benchtime := flag.Duration("benchtime", 300*time.Millisecond, "target duration of one run")
	server := flag.String("server", "both", "servers of the driver tasks: mock, ferretdb, both or none")
	uri := flag.String("uri", os.Getenv("TORQUE_TEST_URI"), "FerretDB URI (default $TORQUE_TEST_URI; empty starts $TORQUE_FERRETDB)")
	footprint := flag.Bool("footprint", true, "build the footprint programs and print their sizes")
	large := flag.Bool("ferretdb-large", false, "also run the large-document inserts against FerretDB (minutes per op)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	scaling := flag.Bool("scaling", false, "measure how costs grow with the work (bench.Scaling) instead of the tasks")
	scalingResults := flag.Int("scaling-results", 100_000, "with -scaling: the largest result size, in documents")
	plots := flag.String("plots", "", "with -scaling: the directory for the PNG plots (none when empty)")
	deps := flag.String("footprint-deps", "", "regular expression: instead of the tasks, print the bytes that the matching symbols "+
		"alone keep alive in the torque footprint program (dominator tree of the linker's reachability graph)")
	depsTop := flag.Int("footprint-deps-top", 40, "with -footprint-deps: how many symbols to print")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		log.Fatal(err)
	}
	if *deps != "" {
		re, err := regexp.Compile(*deps)
		if err != nil {
			log.Fatalf("benchcmp: -footprint-deps: %v", err)
		}
		if err := bench.FootprintDeps(context.Background(), os.Stdout, re, *depsTop); err != nil {
			log.Fatalf("benchcmp: %v", err)
		}
		return
	}
	if *scaling {
		fmt.Printf("## How cost grows with the work\n\n%s %s/%s, %s, GOMAXPROCS %d\n", runtime.Version(), runtime.GOOS,
			runtime.GOARCH, cpuModel(), runtime.GOMAXPROCS(0))
		o := bench.ScalingOptions{MaxResults: *scalingResults, RunTime: *benchtime, PlotDir: *plots}
		if err := bench.Scaling(context.Background(), os.Stdout, o); err != nil {
			log.Fatalf("benchcmp: %v", err)
		}
		return
	}
	re, err := regexp.Compile(*tasksRE)
	if err != nil {
		log.Fatalf("benchcmp: -tasks: %v", err)
	}
	if err := run(re, *runs, *server, *uri, *footprint, *large); err != nil {
		pprof.StopCPUProfile()
		log.Fatalf("benchcmp: %v", err)
	}
}

func run(re *regexp.Regexp, runs int, server, uri string, footprint, large bool) error {
	specDir, err := bench.SpecDir()
	if err != nil {
		return err
	}
	data, err := bench.LoadData(specDir)
	if err != nil {
		return err
	}
	fmt.Printf("benchcmp: %s, %s/%s, %s, GOMAXPROCS %d, %d run(s) of %s per task and driver\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, cpuModel(), runtime.GOMAXPROCS(0), runs, flag.Lookup("test.benchtime").Value)

	tasks := bench.BSONTasks(data)
	ctx := context.Background()
	if server == "mock" || server == "both" {
		env, err := bench.StartMock(ctx, data)
		if err != nil {
			return err
		}
		defer env.Close()
		tasks = append(tasks, env.Tasks(ctx)...)
	}
	if server == "ferretdb" || server == "both" {
		env, err := bench.StartFerretDB(ctx, data, uri)
		if err != nil {
			return err
		}
		defer env.Close()
		tasks = append(tasks, env.Tasks(ctx)...)
	}
	var picked []bench.Task
	for _, t := range tasks {
		if !re.MatchString(t.Name) {
			continue
		}
		if t.Server == "ferretdb" && strings.Contains(t.Name, "large") && !large {
			fmt.Printf("skipped %s: FerretDB takes minutes per op (-ferretdb-large runs it)\n", t.Name)
			continue
		}
		picked = append(picked, t)
	}
	rows := bench.Run(picked, runs, os.Stderr)
	fmt.Println()
	fmt.Println("## Throughput: torque (t) vs the official driver v2 (o)")
	fmt.Println()
	bench.PrintTable(os.Stdout, rows)
	if footprint {
		fmt.Println("\n## Footprint: connect, insert one document, find it back")
		fmt.Println()
		if err := bench.Footprint(ctx, os.Stdout); err != nil {
			return err
		}
	}
	return nil
}

// cpuModel is the "model name" of /proc/cpuinfo, where there is one.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
