#!/bin/bash
# Does patches/series agree with the patch files?  Prints one line per
# problem, with the command that fixes it, and exits 2 if there is any.
#
# usage: series-check.sh PATCHDIR
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 1 ] || die_usage "usage: $0 PATCHDIR"
pdir=$1
bad=0

if [ ! -f "$pdir/series" ]; then
	echo "error: $pdir/series is missing; fix: make export" >&2
	exit 2
fi
[ -f "$pdir/0000-cover-letter.patch" ] || { echo "error: $pdir/0000-cover-letter.patch is missing; fix: make export" >&2; bad=1; }

n=0
while read -r p; do
	n=$((n + 1))
	if [ ! -f "$pdir/$p" ]; then
		echo "error: series lists $p, which is not in patches/; fix: sed -i '/^$p\$/d' patches/series" >&2
		bad=1
		continue
	fi
	# format-patch numbers patches in order: series order must match.
	num=$(printf '%04d' "$n")
	case $p in
	"$num"-*) ;;
	*) echo "error: $p is entry $n of patches/series, expected $num-*; fix: reorder patches/series" >&2; bad=1 ;;
	esac
done < <(series_patches "$pdir")

for f in "$pdir"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$f" ] || continue
	b=${f##*/}
	[ "$b" = 0000-cover-letter.patch ] && continue
	series_patches "$pdir" | grep -qxF "$b" && continue
	echo "error: $b is in patches/ but not in patches/series; fix: echo $b >> patches/series" >&2
	bad=1
done
[ "$n" -gt 0 ] || { echo "error: patches/series lists no patch" >&2; bad=1; }
[ $bad -eq 0 ] || exit 2
echo "series: $n patches agree with patches/series"
