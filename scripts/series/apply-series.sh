#!/bin/bash
# Apply patches/ to the pinned base the way each kind of user does, each in
# a worktree of its own, and record the resulting git tree hash.
#
# usage: apply-series.sh PATCHDIR SRC TREES METHOD
#   METHOD: git-am    series-import.sh (git am, as a maintainer does)
#           b4        b4 am --offline-mode on the series as one mbox, then git am
#           quilt     quilt push -a with no fuzz
#           compare   the three recorded trees must be identical
# exit: 0 ok, 1 usage or missing tool, 2 the series does not apply or
#       the trees differ (the message names the patch or the method)
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 4 ] || die_usage "usage: $0 PATCHDIR SRC TREES git-am|b4|quilt|compare"
pdir=$(realpath "$1") src=$(realpath "$2") trees=$3 method=$4
mkdir -p "$trees"
trees=$(realpath "$trees")

prep_tree() {
	base_worktree "$src" "$trees/$1" || exit 2
}

# Record the tree hash, and which patches/ it was made from, so that
# tests needing an applied tree can tell a stale one.
record() {
	echo "$2" >"$trees/$1.tree"
	series_hash "$pdir" >"$trees/$1.series"
	echo "$1: tree $2"
}

case $method in
git-am)
	prep_tree git-am
	"$SCRIPTS/series/series-import.sh" "$pdir" "$trees/git-am" "$(applied_branch "$trees")" || exit 2
	record git-am "$(git -C "$trees/git-am" rev-parse "HEAD^{tree}")"
	;;
b4)
	need_tools b4
	"$SCRIPTS/series/series-check.sh" "$pdir" >/dev/null || exit 2
	prep_tree b4
	out=$trees/b4.out
	rm -rf "$out" && mkdir -p "$out"
	{
		cat "$pdir/0000-cover-letter.patch"
		series_patches "$pdir" | while read -r p; do cat "$pdir/$p"; done
	} >"$out/series.mbox"
	# b4 am and git am want a git identity, which a fresh machine does
	# not have; the trees are compared by content, so a neutral one for
	# these two commands (GIT_CONFIG_*: the user's files are not touched).
	ident=(env GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=apply-series
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1=apply-series@localhost)
	# b4 looks up base-commit in the repository it runs in.
	if ! (cd "$trees/b4" && "${ident[@]}" b4 --offline-mode --no-stdin am -m "$out/series.mbox" -o "$out") >"$out/b4.log" 2>&1; then
		cat "$out/b4.log"
		echo "error: b4 am failed on the series (log: $out/b4.log)" >&2
		exit 2
	fi
	mbx=$(ls "$out"/*.mbx 2>/dev/null | head -n 1)
	if [ -z "$mbx" ]; then
		cat "$out/b4.log"
		echo "error: b4 am wrote no .mbx (log: $out/b4.log)" >&2
		exit 2
	fi
	grep -q "^ *Base: using specified base-commit $(git -C "$src" rev-parse base)" "$out/b4.log" ||
		{ cat "$out/b4.log"; echo "error: b4 did not find the cover letter's base-commit" >&2; exit 2; }
	if ! "${ident[@]}" git -C "$trees/b4" am -q "$mbx"; then
		git -C "$trees/b4" am --abort
		echo "error: git am of b4's $mbx failed" >&2
		exit 2
	fi
	record b4 "$(git -C "$trees/b4" rev-parse "HEAD^{tree}")"
	;;
quilt)
	need_tools quilt
	"$SCRIPTS/series/series-check.sh" "$pdir" >/dev/null || exit 2
	prep_tree quilt
	log=$trees/quilt.log
	if ! (cd "$trees/quilt" && QUILT_PATCHES=$pdir QUILT_PC=.pc quilt push -a -q --fuzz=0) >"$log" 2>&1; then
		cat "$log"
		p=$(sed -n 's/^Applying patch \(.*\)$/\1/p' "$log" | tail -n 1)
		echo "error: quilt push -a --fuzz=0 stopped at ${p##*/}" >&2
		exit 2
	fi
	# -f: Debian's top-level .gitignore hides every new file.
	git -C "$trees/quilt" add -A -f -- . ':!.pc'
	record quilt "$(git -C "$trees/quilt" write-tree)"
	;;
compare)
	for m in git-am b4 quilt; do
		[ -s "$trees/$m.tree" ] || { echo "error: no tree recorded for $m; run: $0 $1 $2 $3 $m" >&2; exit 2; }
	done
	a=$(cat "$trees/git-am.tree") b=$(cat "$trees/b4.tree") q=$(cat "$trees/quilt.tree")
	echo "git am $a, b4 am $b, quilt $q"
	if [ "$a" != "$b" ] || [ "$a" != "$q" ]; then
		echo "error: the three ways give different trees (git -C $src diff-tree -r --stat $a $q)" >&2
		exit 2
	fi
	;;
*)
	die_usage "usage: $0 PATCHDIR SRC TREES git-am|b4|quilt|compare"
	;;
esac
