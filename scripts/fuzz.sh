#!/usr/bin/env bash
# fuzz.sh runs every fuzz target of the module, one after another, each for
# $FUZZTIME (default 20s). Targets are found with `go test -list`, so a new
# Fuzz function is picked up without editing anything.
#
#   fuzz.sh [PACKAGE...]      (default: every package of the module)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime=${FUZZTIME:-20s}
go=${GO:-go}

if (($# == 0)); then
	mapfile -t pkgs < <("$go" list ./...)
else
	pkgs=("$@")
fi

ran=0
failed=()
for pkg in "${pkgs[@]}"; do
	# -list prints the names that match, then "ok ..." (or "? ... [no test files]").
	# A package whose tests do not build stops the run here.
	list=$("$go" test -list '^Fuzz' "$pkg")
	mapfile -t targets < <(grep '^Fuzz' <<<"$list" || true)
	for target in "${targets[@]}"; do
		echo "==> $pkg $target ($fuzztime)"
		if ! "$go" test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" "$pkg"; then
			failed+=("$pkg $target")
		fi
		ran=$((ran + 1))
	done
done

echo "fuzz: ran $ran targets for $fuzztime each"
if ((${#failed[@]})); then
	printf 'fuzz: FAILED %s\n' "${failed[@]}" >&2
	echo "fuzz: failing inputs are in each package's testdata/fuzz/ directory" >&2
	exit 1
fi
