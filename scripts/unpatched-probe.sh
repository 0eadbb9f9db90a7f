#!/bin/bash
# The probe must not build on the unpatched base: a test that cannot fail
# before the series proves nothing after it.
#
# usage: unpatched-probe.sh SRC TREES OUTDIR
set -u
. "$(dirname "$0")/lib.sh"
[ $# -eq 3 ] || die_usage "usage: $0 SRC TREES OUTDIR"
here=$(cd "$(dirname "$0")" && pwd)
src=$(realpath "$1") trees=$2 out=$3
dir=$trees/base
base_worktree "$src" "$dir" || exit 2
"$here/compile-cell.sh" x86_64 "$dir" "$out"
rc=$?
case $rc in
0) echo "error: the probe built on the unpatched base: it cannot detect a missing series"; exit 2 ;;
2) grep -q 'cache_aliasing.h' "$out/probe.log" || { echo "error: failed, but not for the missing header (log: $out/probe.log)"; exit 2; }
   echo "unpatched base: the probe fails as it must (no <linux/cache_aliasing.h>)" ;;
*) exit $rc ;;
esac
