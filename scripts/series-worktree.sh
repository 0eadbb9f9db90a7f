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
. "$(dirname "$0")/lib.sh"
[ $# -eq 3 ] || die_usage "usage: $0 PATCHDIR SRC TREE"
here=$(cd "$(dirname "$0")" && pwd)
pdir=$(realpath "$1") src=$(realpath "$2")
# Absolute: git worktree add reads a relative path from inside SRC.
mkdir -p "$(dirname "$3")" && tree=$(realpath -m "$3")
"$here/series-check.sh" "$pdir" >/dev/null || { echo "error: patches/series and the patch files disagree" >&2; exit 2; }
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
while read -r p; do
	author=$(sed -n 's/^From: //p;/^$/q' "$pdir/$p" | head -n 1)
	if ! GIT_COMMITTER_NAME=${author% <*} GIT_COMMITTER_EMAIL=$(sed 's/.*<\(.*\)>.*/\1/' <<<"$author") \
		git -C "$tree" am -q --committer-date-is-author-date "$pdir/$p" >/dev/null 2>&1; then
		git -C "$tree" am --abort >/dev/null 2>&1
		echo "error: patches/$p does not apply with git am on base" >&2
		exit 2
	fi
done < <(series_patches "$pdir")
printf '%s\n%s\n' "$want" "$(git -C "$tree" rev-parse HEAD)" >"$stamp"
git -C "$tree" rev-list --reverse base..HEAD
