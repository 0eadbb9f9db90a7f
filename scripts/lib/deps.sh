#!/bin/bash
# Install the Debian packages named on the command line that are missing.
# Quick when everything is there: it asks dpkg first and runs apt only
# for what is missing.  Without recommends: what a package merely
# recommends is not what the project needs, and a fresh machine (the
# root .ci/run makes) must show any package the project forgot to name.
#
# exit: 0 all installed, 1 not root / apt failed (its error is printed)
set -u
. "$(dirname "$0")/lib.sh"
missing=()
for p in "$@"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "error: missing packages ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
	exit 1
fi
progress "apt-get install ${missing[*]}"
logs=$(mktemp -d /tmp/deps.XXXXXX)
trap 'rm -rf "$logs"' EXIT
# Update the lists at most once an hour: installs on a fresh machine need
# it, repeated runs should not pay for it.
stamp=/var/lib/apt/periodic/.dax-series-update
if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
	apt_get "$logs/update.log" update -q || { tail -n 5 "$logs/update.log" >&2; echo "error: apt-get update failed; retry: make deps" >&2; exit 1; }
	mkdir -p "${stamp%/*}" && touch "$stamp"
fi
if ! apt_get "$logs/install.log" install -y -q --no-install-recommends "${missing[@]}"; then
	tail -n 5 "$logs/install.log" >&2
	echo "error: apt-get install ${missing[*]} failed; retry: make deps" >&2
	exit 1
fi
