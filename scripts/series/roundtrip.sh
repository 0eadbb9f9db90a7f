#!/bin/bash
# Import patches/ into a branch with git am, export it again, and compare
# byte for byte: proof that "work in build/, make export" loses nothing.
#
# usage: roundtrip.sh PATCHDIR SRC TREES NAME VERSION
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 5 ] || die_usage "usage: $0 PATCHDIR SRC TREES NAME VERSION"
pdir=$1 src=$2 trees=$3
tree=$trees/git-am
# The git-am apply test leaves the imported series on this branch.
branch=$(applied_branch "$trees")
if ! git -C "$tree" rev-parse -q --verify "$branch" >/dev/null; then
	"$SCRIPTS/series/apply-series.sh" "$pdir" "$src" "$trees" git-am || exit 2
fi
out=$(mktemp -d /tmp/roundtrip.XXXXXX)
trap 'rm -rf "$out"' EXIT
python3 "$SCRIPTS/series/series.py" export "$src" "$branch" "$out" "$4" "$5" || exit 2
diff -ru "$pdir" "$out" | head -n 40
diff -rq "$pdir" "$out" >/dev/null || { echo "error: export after import differs from patches/ (diff -ru $pdir <export>)"; exit 2; }
echo "roundtrip: $(ls "$out" | wc -l) files identical"
