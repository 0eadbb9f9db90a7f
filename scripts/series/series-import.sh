#!/bin/bash
# Apply patches/ to a branch of the kernel repository with git am, the way
# a maintainer would, and keep the cover letter as the branch description
# so that series-export.py can write it back byte for byte.
#
# usage: series-import.sh PATCHDIR TREE BRANCH
#   TREE is the kernel repository or one of its worktrees; BRANCH is reset
#   to the tag "base".  Refuses to touch a tree with uncommitted changes.
# exit: 0 applied, 1 usage, 2 the series is broken (names the patch)
set -u
. "$(dirname "$0")/../lib/lib.sh"

[ $# -eq 3 ] || die_usage "usage: $0 PATCHDIR TREE BRANCH"
pdir=$(realpath "$1") tree=$2 branch=$3

"$SCRIPTS/series/series-check.sh" "$pdir" || exit 2

if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
	echo "error: $tree has uncommitted changes; commit or stash them first" >&2
	exit 1
fi

git -C "$tree" checkout -q -f -B "$branch" base || exit 2
series_am "$pdir" "$tree" || exit 2

# Cover letter subject and blurb -> branch description (subject, blank
# line, blurb), the input of format-patch --cover-from-description=subject.
desc=$(python3 "$SCRIPTS/series/series.py" cover-description "$pdir/0000-cover-letter.patch") || exit 2
git -C "$tree" config "branch.$branch.description" "$desc"
