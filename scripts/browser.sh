#!/usr/bin/env bash
# browser.sh makes sure a headless Chromium is there for the browser tests
# (internal/browsertest, examples/*/browser_test.go): $TORQUE_CHROMIUM, or a
# chromium/chrome on $PATH, else Debian's `chromium` package, installed with
# apt-get (as root, or through passwordless sudo).
#
# When it cannot install one (no apt-get, no root, no network) it says so
# and exits 0: the browser tests then skip with that message, and fail
# under CI=true, so CI never goes green without running them.
set -euo pipefail

for b in "${TORQUE_CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
	if [ -n "$b" ] && command -v "$b" >/dev/null 2>&1; then
		exit 0
	fi
done

say() { echo "make browser: $*" >&2; }

if ! command -v apt-get >/dev/null 2>&1; then
	say "no Chromium, and no apt-get to install it: install Chromium (or set TORQUE_CHROMIUM to a Chrome binary) to run the browser tests; without it they skip (and fail under CI=true)"
	exit 0
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		say "no Chromium, and installing it needs root: run 'sudo apt-get install chromium'; without it the browser tests skip (and fail under CI=true)"
		exit 0
	fi
fi
say "installing Debian's chromium for the browser tests (apt-get, a few minutes, once)"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -q chromium >/dev/null; then
	"${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q chromium >/dev/null ||
		say "apt-get could not install chromium: the browser tests will skip (and fail under CI=true)"
fi
