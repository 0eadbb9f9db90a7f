#!/bin/bash
# MAINTAINERS checks.
#
# usage: maintainers-check.sh snippet TREE
#          MAINTAINERS.snippet is, byte for byte, the section that the
#          series adds, as it stands in TREE (the series applied).
#        maintainers-check.sh arch TREE PATCH
#          scripts/get_maintainer.pl --nogit on PATCH names every list and
#          maintainer of each arch/<arch>/ directory the patch touches.
# exit: 0 ok, 1 usage, 2 mismatch
set -u
. "$(dirname "$0")/../lib/lib.sh"
top=$TOP

case ${1:-} in
snippet)
	[ $# -eq 2 ] || die_usage "usage: $0 snippet TREE"
	snip=$top/MAINTAINERS.snippet
	[ -s "$snip" ] || { echo "error: MAINTAINERS.snippet is missing"; exit 2; }
	title=$(head -n 1 "$snip")
	# The section as it stands in MAINTAINERS once the series is applied:
	# later patches may add lines in the middle of it.
	if ! diff -u "$snip" <(awk -v t="$title" '$0 == t {s=1} s && /^$/ {exit} s' "$2/MAINTAINERS"); then
		echo "error: MAINTAINERS.snippet differs from the '$title' section in $2/MAINTAINERS"
		exit 2
	fi
	echo "snippet: '$title' matches the series ($(wc -l <"$snip") lines)"
	;;
arch)
	[ $# -eq 3 ] || die_usage "usage: $0 arch TREE PATCH"
	tree=$(realpath "$2") patch=$(realpath "$3")
	arches=$(grep -o '^+++ b/arch/[^/]*/' "$patch" | cut -d/ -f3 | sort -u)
	[ -n "$arches" ] || { echo "patch touches no arch/ directory"; exit "$SKIP"; }
	gm="./scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats"
	got=$(cd "$tree" && $gm "$patch" 2>/dev/null)
	bad=0
	for a in $arches; do
		want=$(cd "$tree" && $gm -f "arch/$a/" 2>/dev/null | grep -v -e 'linux-kernel@vger.kernel.org')
		[ -n "$want" ] || { echo "error: get_maintainer names nobody for arch/$a/"; bad=1; }
		while IFS= read -r w; do
			[ -n "$w" ] || continue
			echo "$got" | grep -qxF "$w" || { echo "error: $a: '$w' is not named for ${patch##*/}"; bad=1; }
		done <<<"$want"
		echo "$a: $(echo "$want" | tr '\n' ',' | sed 's/,$//')"
	done
	[ $bad -eq 0 ] || exit 2
	;;
*)
	die_usage "usage: $0 snippet TREE | arch TREE PATCH"
	;;
esac
