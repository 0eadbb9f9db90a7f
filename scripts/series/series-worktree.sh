#!/bin/bash
# A worktree of the kernel repository with patches/ applied by git am,
# one commit a patch on top of tag base, on a detached HEAD: no branch
# is created in the shared repository.  Committer = author and its
# date, as series-import.sh does, so the commit hashes are reproducible.
# A tree already made from the same patches/ is reused as it is (only
# checked out at its tip), so that build directories stay incremental.
#
# usage: series-worktree.sh PATCHDIR SRC TREE
# prints the commits, base + 1 first; exit 0, 1 usage, 2 a patch does
# not apply (named)
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 3 ] || die_usage "usage: $0 PATCHDIR SRC TREE"
pdir=$(realpath "$1") src=$(realpath "$2")
# Absolute: git worktree add reads a relative path from inside SRC.
mkdir -p "$(dirname "$3")" && tree=$(realpath -m "$3")
"$SCRIPTS/series/series-check.sh" "$pdir" >/dev/null || { echo "error: patches/series and the patch files disagree" >&2; exit 2; }
stamp=$tree.series # which patches/ the tree was made from, and its tip
want=$(series_hash "$pdir")

if [ -e "$tree/.git" ] && [ "$(head -n 1 "$stamp" 2>/dev/null)" = "$want" ] &&
	tip=$(sed -n 2p "$stamp") && [ -n "$tip" ] &&
	git -C "$tree" checkout -q -f --detach "$tip" 2>/dev/null; then
	git -C "$tree" rev-list --reverse base..HEAD
	exit 0
fi

rm -f "$stamp"
base_worktree "$src" "$tree" || exit 2
series_am "$pdir" "$tree" || exit 2
printf '%s\n%s\n' "$want" "$(git -C "$tree" rev-parse HEAD)" >"$stamp"
git -C "$tree" rev-list --reverse base..HEAD
