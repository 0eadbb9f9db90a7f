#!/bin/bash
# bisect.sh must catch what it claims to catch: append one bad patch to
# a copy of patches/ and check that bisect.sh fails at exactly that
# prefix, for the expected reason, while the base still passes.
#
#   new-warning   drivers/dax/super.c gets an unused static variable:
#                 a warning the base does not have (x86_64, DAX on)
#   stub-removed  the DAX=n stubs of set_dax_nocache/nomc() go away:
#                 dm.c no longer builds with DAX off (x86_64, DAX off)
#   fs-dax-lost   FS_DAX depends on BROKEN: x86_64 must keep FS_DAX
#
# usage: bisect-selftest.sh KIND PATCHDIR SRC WORKDIR
#   WORKDIR: bisect.sh's (its x86_64 build directories are reused).
# exit: 0 caught as expected, 1 usage or tool, 2 not caught
set -u
. "$(dirname "$0")/../lib/lib.sh"
usage="usage: $0 new-warning|stub-removed|fs-dax-lost PATCHDIR SRC WORKDIR"
[ $# -eq 4 ] || die_usage "$usage"
kind=$1 pdir=$(realpath "$2") src=$(realpath "$3")
mkdir -p "$4" && work=$(realpath "$4")
case $kind in
new-warning) run=x86_64/on want="warning(s) the base does not have" ;;
stub-removed) run=x86_64/off want="build failed at step" ;;
fs-dax-lost) run=x86_64/on want="FS_DAX must be possible" ;;
*) die_usage "$usage" ;;
esac

# The bad patch, made in a tree of the series as it is.
bad=$work/selftest-tree
"$SCRIPTS/series/series-worktree.sh" "$pdir" "$src" "$bad" >/dev/null || exit 2
case $kind in
new-warning) echo 'static int dax_selftest_unused;' >>"$bad/drivers/dax/super.c" ;;
stub-removed) perl -0pi -e 's/static inline void set_dax_(nocache|nomc)\(struct dax_device \*dax_dev\)\n\{\n\}\n\n?//g' "$bad/include/linux/dax.h" ;;
fs-dax-lost) perl -0pi -e 's/(\nconfig FS_DAX\n\tbool [^\n]*\n)/$1\tdepends on BROKEN\n/' "$bad/fs/Kconfig" ;;
esac
if git -C "$bad" diff --quiet; then
	echo "error: could not make the $kind patch: the series changed what it edits"
	exit 2
fi
n=$(series_patches "$pdir" | wc -l)
k=$((n + 1))
name=$(printf '%04d-selftest-%s.patch' "$k" "$kind")
tmp=$work/selftest-$kind
rm -rf "$tmp" && mkdir -p "$tmp"
cp "$pdir"/*.patch "$pdir/series" "$tmp/"
git -C "$bad" -c user.name=selftest -c user.email=selftest@example.org \
	commit -q -a -m "selftest: $kind" || exit 2
git -C "$bad" format-patch -q -1 --stdout >"$tmp/$name" || exit 2
echo "$name" >>"$tmp/series"
# Leave the tree as series-worktree.sh made it, for the next run.
git -C "$bad" checkout -q -f --detach HEAD~1

log=$tmp/bisect.tap
"$SCRIPTS/build/bisect.sh" -c "$run" -p "$k" "$tmp" "$src" "$work" >"$log" 2>&1
rc=$?
cat "$log"
[ "$rc" -eq 2 ] || { echo "error: bisect.sh exited $rc, not 2 (log: $log)"; exit 2; }
# Two cases of its TAP, read by the one TAP reader.
case_of() {
	python3 "$SCRIPTS/qemu/ktap.py" tap-case "$log" "$1"
}
[ "$(case_of "base: ${run%/*} dax-${run#*/}")" = ok ] ||
	{ echo "error: the base did not pass: the failure proves nothing (log: $log)"; exit 2; }
verdict=$(case_of "prefix $k/$k ${name%.patch}: ${run%/*} dax-${run#*/}")
case $verdict in
"not ok # "*"$want"*) ;;
*) echo "error: prefix $k did not fail with \"$want\", but: ${verdict:-no such case} (log: $log)"; exit 2 ;;
esac
echo "bisect.sh fails at the $kind patch ($want), as it must"
