#!/bin/bash
# A compile cell must fail on the unpatched base, and for the expected
# reason: a test that cannot fail before the series proves nothing after
# it.
#
# usage: unpatched-cell.sh CELL SRC TREES OUTDIR PATTERN
#   PATTERN: an extended regex that the cell's output must match (the
#            reason it failed).
# exit: 0 failed as expected, 1 usage, 2 it built or failed otherwise
set -u
. "$(dirname "$0")/lib.sh"
[ $# -eq 5 ] || die_usage "usage: $0 CELL SRC TREES OUTDIR PATTERN"
here=$(cd "$(dirname "$0")" && pwd)
cell=$1 src=$(realpath "$2") trees=$3 out=$4 pattern=$5
dir=$trees/base
base_worktree "$src" "$dir" || exit 2
mkdir -p "$(dirname "$out")"
expect_failure "$out.unpatched.log" "$pattern" "$here/compile-cell.sh" "$cell" "$dir" "$out" || exit
echo "unpatched base: $cell fails as it must (/$pattern/)"
