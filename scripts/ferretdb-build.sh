#!/usr/bin/env bash
# ferretdb-build.sh builds the FerretDB server that the integration tests run
# against, once, and prints the path of the binary.
#
# The version comes from internal/tools/ferretdb/go.mod, a module of its own so
# that FerretDB's dependencies never reach the driver's go.mod. The binary is
# cached outside the checkout, keyed by that version:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/torque/ferretdb-<version>/ferretdb
#
# and reused while it starts. Why vendor: FerretDB's build/version/version.txt
# is generated at release time and missing from the module zip, and without it
# the binary panics at start. So the tool module is vendored in a scratch folder
# of the cache (about 240 MB, deleted afterwards), the file is written there,
# and the binary is built with -mod=vendor. The result is moved into place only
# once it has started, so an interrupted build is never reused.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool=$root/internal/tools/ferretdb
version=$(awk '$1 == "require" && $2 == "github.com/FerretDB/FerretDB" { print $3 }' "$tool/go.mod")
if [[ -z $version ]]; then
	echo "ferretdb-build: no FerretDB version in $tool/go.mod" >&2
	exit 1
fi

dir=${XDG_CACHE_HOME:-$HOME/.cache}/torque/ferretdb-$version
bin=$dir/ferretdb

# works tells whether the binary at $1 starts (it panics at init when broken).
works() {
	[[ -x $1 ]] && timeout 30 "$1" --version >/dev/null 2>&1
}

if works "$bin"; then
	echo "$bin"
	exit 0
fi

mkdir -p "$dir"
# One build at a time: a second caller waits, then finds the binary.
exec 9>"$dir/.lock"
if command -v flock >/dev/null; then
	flock 9
	if works "$bin"; then
		echo "$bin"
		exit 0
	fi
	# Holding the lock, any scratch folder is one a killed build left.
	rm -rf "$dir"/build.*
fi

work=$(mktemp -d "$dir/build.XXXXXX")
builder=
trap 'rm -rf "$work"' EXIT
# On a signal, stop the go commands too (they run in their own process group,
# see below), so that none goes on writing into the removed scratch folder.
trap 'if [[ -n $builder ]]; then kill -TERM -- "-$builder" 2>/dev/null || true; wait "$builder" || true; fi; exit 130' INT
trap 'if [[ -n $builder ]]; then kill -TERM -- "-$builder" 2>/dev/null || true; wait "$builder" || true; fi; exit 143' TERM

echo "ferretdb-build: building FerretDB $version into $bin (a few minutes, once)" >&2
start=$SECONDS
cp "$tool/go.mod" "$tool/go.sum" "$tool/tools.go" "$work/"
set -m
(
	cd "$work"
	export GOWORK=off GOFLAGS=-buildvcs=false CGO_ENABLED=0
	go mod vendor
	echo "$version" >vendor/github.com/FerretDB/FerretDB/build/version/version.txt
	go build -mod=vendor -trimpath -o ferretdb.new github.com/FerretDB/FerretDB/cmd/ferretdb
) &
builder=$!
set +m
wait "$builder"
builder=
if ! works "$work/ferretdb.new"; then
	echo "ferretdb-build: the new binary does not start:" >&2
	"$work/ferretdb.new" --version >&2 || true
	exit 1
fi
mv -f "$work/ferretdb.new" "$bin"
echo "ferretdb-build: built in $((SECONDS - start))s" >&2
echo "$bin"
