# torque: one command each for a newcomer with only Go installed.
#
#   make test      gofmt + go vet + FerretDB (built once, cached) + every test
#   make demo      start a local FerretDB and run examples/tutorial against it
#   make demo-mem  run examples/tutorial against an in-process mongotest server
#   make fuzz      every Fuzz target, $(FUZZTIME) each
#   make bench     every benchmark, with allocations
#   make scaling   how costs grow with the work: tables, plots in docs/scaling/
#   make ferretdb  build the FerretDB binary only, print its path
#   make servers   start test servers in the background, print `export` lines
#   make browser   install Chromium for the browser tests when missing (apt-get)
#
# Scripts live in scripts/; the FerretDB binary is cached in
# $${XDG_CACHE_HOME:-$$HOME/.cache}/torque/, outside the checkout.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
FUZZTIME ?= 20s
export GO FUZZTIME

# The race detector needs cgo (a C compiler); without one, tests run without it.
RACE := $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && echo -race)

.PHONY: test fmt vet ferretdb demo demo-mem fuzz bench scaling servers browser

test: fmt vet browser
	@[ -n "$(RACE)" ] || echo "make: no C compiler for cgo: running tests without -race" >&2
	@# The benchmark module (its own go.mod, with the official driver for the
	@# side-by-side runs): vet it and test its null server and adapters, so an
	@# API change that breaks `make bench` fails here.
	cd bench && $(GO) vet ./... && $(GO) test -count=1 ./...
	scripts/testservers.sh run -- $(GO) test $(RACE) -count=1 ./...

fmt:
	@files=$$(gofmt -l .); \
	if [ -n "$$files" ]; then \
		echo "gofmt: these files need formatting (run gofmt -w on them):" >&2; \
		echo "$$files" >&2; \
		exit 1; \
	fi

vet:
	$(GO) vet ./...

ferretdb:
	@scripts/ferretdb-build.sh

demo:
	scripts/testservers.sh run --plain -- \
		bash -c '$(GO) run ./examples/tutorial -uri "$$TORQUE_TEST_URI"'

# demo-mem: the same tutorial against mongotest, the in-process test server:
# nothing to build or start.
demo-mem:
	$(GO) run ./examples/tutorial -mem

fuzz:
	scripts/fuzz.sh

# bench: the packages' own benchmarks, then torque against the official driver
# (bench/, a module of its own) on the driver benchmarking spec's tasks, against
# an in-process null server and FerretDB, plus binary footprint. More runs:
#   make bench BENCHFLAGS='-runs 10 -benchtime 1s'   (see: cd bench && go run ./cmd/benchcmp -h)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@ferretdb=$$([ -n "$${TORQUE_TEST_URI:-}" ] || scripts/ferretdb-build.sh) && \
		cd bench && TORQUE_FERRETDB="$${TORQUE_FERRETDB:-$$ferretdb}" $(GO) run ./cmd/benchcmp $(BENCHFLAGS)

# scaling: document size, result size, concurrency and topology size against
# the null server (bench.Scaling); Markdown tables on stdout, PNG plots into
# docs/scaling/. A few minutes; `make test` runs only its smoke test.
scaling:
	cd bench && $(GO) run ./cmd/benchcmp -scaling -scaling-results 1000000 -plots ../docs/scaling

servers:
	@scripts/testservers.sh start

# browser: the headless Chromium of the browser tests (internal/browsertest);
# says so clearly, and goes on, where it cannot be installed.
browser:
	@scripts/browser.sh
