#!/bin/bash
# A test that cannot fail proves nothing: run CMD where it must fail (the
# unpatched base, a broken input) and pass only if it fails as it must,
# with exit 2 and a line matching PATTERN (expect_failure, lib.sh).
#
# usage: must-fail.sh PATTERN CMD...
#   PATTERN: an extended regex that CMD's output must match: the reason.
# exit: 0 CMD failed as it must, 1 usage, 2 it passed or failed for
#       another reason; CMD's own 77, 1 or 124 (skip, tool, timeout)
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || die_usage "usage: $0 PATTERN CMD..."
pattern=$1
shift
log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT
expect_failure "$log" "$pattern" "$@" || exit
echo "fails as it must: ${1##*/} (/$pattern/)"
