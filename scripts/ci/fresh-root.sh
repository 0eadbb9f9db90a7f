#!/bin/bash
# Run a command as a newcomer would: in a fresh Debian 12 root made now
# with mmdebstrap, holding only a minimal system and the README's
# prerequisites (.ci/prerequisites), with a clone of this repository's
# HEAD in /root/dax-series.  What CI runs (.ci/run); a developer can run
# it too, as root.
#
# usage: fresh-root.sh COMMAND...   (words joined, run by bash -c in the
#                                    clone, inside the root)
# environment:
#   FRESH_ROOTS  where the roots are made (default /var/tmp/dax-series-roots);
#                a root left by a killed run is removed by the next run
#   CI_CACHE     caches shared with the host, holding no installed software
#                (default /var/cache/dax-series): ccache/ and dl/ (the
#                kernel .deb), bind-mounted into the root
#   FRESH_ROOT_TIMEOUT  seconds for COMMAND (default 5100: CI has 5400)
#   FRESH_ROOT_INCLUDE  extra packages for the root: only to show that the
#                freshness test fails when the root is not fresh
# exit: COMMAND's code; 1 usage, not root, or mmdebstrap missing or
#       failed; 124 COMMAND timed out
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -ge 1 ] || die_usage "usage: $0 COMMAND..."
top=$TOP
[ "$(id -u)" = 0 ] || die_usage "error: $0 makes a root file system and chroots: run it as root"
roots=${FRESH_ROOTS:-/var/tmp/dax-series-roots}
cache=${CI_CACHE:-/var/cache/dax-series}
suite=bookworm
mkdir -p "$roots" "$cache/ccache" "$cache/dl" || exit 1

"$SCRIPTS/lib/deps.sh" mmdebstrap || exit 1

# ---- making and removing roots ---------------------------------------
# teardown ROOT: end every process whose root directory is ROOT or below
# it (a QEMU, or a virtiofsd chrooted into its share, that outlived a
# killed test), undo every mount below ROOT, deepest first, and remove
# it.  Never follows a mount out of ROOT.
teardown() {
	local root=$1 p pids m i r
	[ -d "$root" ] || return 0
	for i in 1 2 3; do
		pids=()
		for p in /proc/[0-9]*; do
			r=$(readlink "$p/root" 2>/dev/null) || continue
			[ "$r" = "$root" ] || [ "${r#"$root"/}" != "$r" ] && pids+=("${p#/proc/}")
		done
		[ ${#pids[@]} -eq 0 ] && break
		kill -s "$([ $i -lt 3 ] && echo TERM || echo KILL)" "${pids[@]}" 2>/dev/null
		sleep 2
	done
	for m in $(findmnt -rn -o TARGET | grep -F "$root/" | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	if findmnt -rn -o TARGET | grep -qF "$root/"; then
		echo "error: mounts are left below $root; not removing it" >&2
		return 1
	fi
	PROGRESS_LABEL="rm -rf $root" run_logged /dev/null rm -rf --one-file-system "$root"
}

# Roots of runs that were killed: their owner (root.PID) is gone.
for old in "$roots"/root.*; do
	[ -d "$old" ] || continue
	pid=${old##*/root.}
	kill -0 "$pid" 2>/dev/null && continue
	progress "removing the stale root $old"
	teardown "$old" || exit 1
done

root=$roots/root.$$
cleanup() {
	trap - EXIT INT TERM HUP
	# A reader that went away (| head) must not stop the teardown.
	trap '' PIPE
	progress "removing $root"
	teardown "$root"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

# The host's Debian sources, as the host has them (deb822 and one-line
# files); other vendors' (Google's, NodeSource's) are not Debian's
# archive and are left out.
sources=$roots/sources.$$
{
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && awk 'BEGIN { RS = ""; ORS = "\n\n" } /URIs:[^\n]*debian\.org/' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && grep -E '^deb[[:space:]].*debian\.org' "$f"
	done
} >"$sources"
[ -s "$sources" ] || { echo "error: the host has no Debian sources in /etc/apt/sources.list*"; rm -f "$sources"; exit 1; }

# The README's prerequisites: the one list, read here and by the
# freshness test.
prereqs=$(sed 's/#.*//' "$top/.ci/prerequisites" | xargs)
include=${prereqs// /,}${FRESH_ROOT_INCLUDE:+,${FRESH_ROOT_INCLUDE// /,}}
progress "mmdebstrap --variant=apt --include=$include $suite $root (sources: $(grep -v '^#' "$sources" | grep -ohE 'https?://[^ ]+' | sort -u | xargs))"
mkdir -p "$root"
PROGRESS_LABEL=mmdebstrap run_logged "$roots/mmdebstrap.$$.log" \
	mmdebstrap --variant=apt --include="$include" "$suite" "$root" "$sources"
rc=$?
rm -f "$sources"
if [ $rc -ne 0 ]; then
	tail -n 20 "$roots/mmdebstrap.$$.log"
	rm -f "$roots/mmdebstrap.$$.log"
	echo "error: mmdebstrap failed ($rc)"
	exit 1
fi
rm -f "$roots/mmdebstrap.$$.log"
progress "root made: $(chroot "$root" dpkg-query -W -f='.' | wc -c) packages"

# What the root holds before any of the project's targets run: the
# freshness test (scripts/ci/fresh-root-check.py) reads it in make test.
mkdir -p "$root/var/lib/dax-series"
cp "$root/var/lib/dpkg/status" "$root/var/lib/dax-series/fresh-root.status"
cp "$top/.ci/prerequisites" "$root/var/lib/dax-series/prerequisites"

[ -s "$root/etc/resolv.conf" ] || cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc" &&
	mount -t sysfs sysfs "$root/sys" &&
	mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev" &&
	mkdir -p "$root$cache/ccache" "$root$cache/dl" &&
	mount --bind "$cache/ccache" "$root$cache/ccache" &&
	mount --bind "$cache/dl" "$root$cache/dl" || { echo "error: cannot mount into $root"; exit 1; }

# The committed HEAD, as a fresh clone has it.
[ -z "$(git -C "$top" status --porcelain 2>/dev/null)" ] ||
	progress "note: $top has uncommitted changes; the root gets HEAD only"
git clone -q --no-local "$top" "$root/root/dax-series" || { echo "error: git clone into $root failed"; exit 1; }
progress "in the root: $* (HEAD $(git -C "$top" rev-parse --short=12 HEAD), timeout ${FRESH_ROOT_TIMEOUT:-5100}s)"

# A clean environment: what a newcomer's root shell has, plus CI=true and
# the shared caches.  The chroot's code is this script's.
# In the background, so that a signal to this script is handled at once
# (the traps above, then teardown ends what runs in the root).
timeout "${FRESH_ROOT_TIMEOUT:-5100}" chroot "$root" /usr/bin/env -i \
	HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	LANG=C.UTF-8 TERM=dumb CI=true \
	CCACHE_DIR="$cache/ccache" CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-25G}" DL="$cache/dl" \
	FRESH_ROOT_STATUS=/var/lib/dax-series/fresh-root.status \
	bash -c "cd /root/dax-series && $*" </dev/null &
wait $!
rc=$?
[ $rc -eq 124 ] && echo "error: '$*' did not finish within ${FRESH_ROOT_TIMEOUT:-5100}s in the fresh root"
progress "in the root: exit $rc"
exit $rc
