#!/bin/bash
# Bisectability: every prefix of the series (base + 1 .. base + N) must
# configure and build, for every bisect cell of arch-matrix/cells.tsv,
# with DAX on and with DAX off.  One TAP line per (prefix, cell, DAX),
# closing "N passed, N failed, N skipped"; exit as lib.sh's tap_finish.
#
# Time: one worktree walks the prefixes in order, and every (cell, DAX)
# keeps its build directory, so each step rebuilds only what the newest
# patch changed.  Step 0 (the base) is built first; it is the reference
# for warnings (bisect-step.sh).  A prefix whose newest patch touches
# only other architectures' arch/ directories cannot change this build:
# it is skipped, and its changes are built with the next step that runs.
#
# usage: bisect.sh [-c CELL[/on|/off][,...]] [-p K|J-K] PATCHDIR SRC WORKDIR
#   -c    only these cells (default: all), optionally one DAX variant
#   -p    only the base and prefix K, or prefixes J to K (what a
#         failure's reproducer runs)
#   SRC   the kernel repository with tag base; WORKDIR holds the worktree
#         (WORKDIR/tree) and the build directories (WORKDIR/out/*).
# shellcheck disable=SC2154 # the cell_* variables: cell_load, kbuild.sh
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
usage="usage: $0 [-c CELL[/on|/off][,...]] [-p K|J-K] PATCHDIR SRC WORKDIR"
only_cells='' only_k=''
while getopts c:p: opt; do
	case $opt in
	c) only_cells=$OPTARG ;;
	p) only_k=$OPTARG ;;
	*) die_usage "$usage" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || die_usage "$usage"
# -p K or J-K: from .. to, both 1 .. N.
case $only_k in
'') from=1 to='' ;;
*[!0-9-]* | -* | *- | *-*-*) die_usage "$usage" ;;
*-*) from=${only_k%-*} to=${only_k#*-} ;;
*) from=$only_k to=$only_k ;;
esac
pdir=$(realpath "$1") src=$(realpath "$2") work=$3
mkdir -p "$work/out"
work=$(realpath "$work")
tree=$work/tree
need_tools git make flock
export SERIES_TARGETS_CACHE=$work/targets-cache
rm -rf "$SERIES_TARGETS_CACHE"

# Two walks in one worktree would check out commits under each other.
exec 9>"$work/lock"
flock -n 9 || die_usage "error: another bisect.sh uses $work"

# The (cell, variant) pairs to build.
runs=()
declare -A cell_arches
for c in $(cell_names bisect); do
	cell_load bisect "$c" || exit 1
	cell_arches[$c]=$cell_arch
	for v in on off; do
		if [ -n "$only_cells" ]; then
			case ",$only_cells," in *",$c,"* | *",$c/$v,"*) ;; *) continue ;; esac
		fi
		runs+=("$c/$v")
	done
done
[ ${#runs[@]} -gt 0 ] || die_usage "error: no cell matches -c $only_cells"

echo "TAP version 13"
t_start=$(date +%s)

# base + one commit a patch, in a worktree of our own.
mapfile -t names < <(series_patches "$pdir")
if ! "$SCRIPTS/series/series-worktree.sh" "$pdir" "$src" "$tree" >"$work/commits" 2>"$work/apply.log"; then
	echo "not ok 1 - the series applies with git am # $(tail -n 1 "$work/apply.log")"
	echo "#   reproduce: scripts/series/series-worktree.sh $pdir $src $tree"
	echo "1..1"
	echo "0 passed, 1 failed, 0 skipped"
	exit 2
fi
mapfile -t commits <"$work/commits"
n=${#names[@]}
[ ${#commits[@]} -eq "$n" ] || { echo "error: $n patches gave ${#commits[@]} commits" >&2; exit 2; }
to=${to:-$n}
[ "$from" -ge 1 ] && [ "$from" -le "$to" ] && [ "$to" -le "$n" ] ||
	die_usage "error: -p $only_k: the series has patches 1 to $n"
progress "applied $n patches in $tree"

# arch_only K ARCH: the arch/ directories patch K touches, if it touches
# nothing else and not arch/ARCH; nothing (and status 1) otherwise.
arch_only() {
	sed -n 's|^+++ b/||p;s|^--- a/||p' "$pdir/${names[$1 - 1]}" |
		awk -F/ -v a="$2" '$1 != "arch" || $2 == a { bad = 1 } { d[$1 "/" $2] = 1 }
			END { if (bad || !length(d)) exit 1; s = ""; for (x in d) s = s (s ? " " : "") x; print s }'
}

for k in $(seq 0 "$n"); do
	[ "$k" -eq 0 ] || { [ "$k" -ge "$from" ] && [ "$k" -le "$to" ]; } || continue
	if [ "$k" -eq 0 ]; then
		rev=base label="base"
	else
		rev=${commits[$k - 1]} label="prefix $k/$n ${names[$k - 1]%.patch}"
	fi
	git -C "$tree" checkout -q -f --detach "$rev" || exit 2
	progress "$label"
	for r in "${runs[@]}"; do
		c=${r%/*} v=${r#*/}
		arch=${cell_arches[$c]}
		name="$label: $c dax-$v"
		repro="scripts/build/bisect.sh -c $c/$v -p $k $pdir $src $work"
		if [ "$k" -gt 0 ] && dirs=$(arch_only "$k" "$arch"); then
			TAP_REPRO=$repro tap_run "$name" sh -c 'echo "touches only $1"; exit 77' - "$dirs"
			continue
		fi
		TAP_REPRO=$repro tap_run "$name" "$SCRIPTS/build/bisect-step.sh" "$pdir" "$c" "$v" "$tree" "$work/out/$c-dax-$v" "$k"
	done
done
progress "walk done in $(($(date +%s) - t_start))s"
tap_finish
