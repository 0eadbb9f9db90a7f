#!/bin/bash
# Random DAX configurations of the whole series: for each randconfig
# cell of arch-matrix/cells.tsv (ARMv7 LPAE and x86_64) and each of N
# draws, y/m/n at random over the DAX symbols (randconfig-dax.py), merged
# last over the cell's defconfig and fragments, olddefconfig, and the
# series' targets built
# (randconfig-step.sh).  One TAP line per configuration; the seed, the
# choices and what Kconfig made of them are printed, and the same seed
# replays the same configurations.
#
# usage: randconfig-dax.sh [-i I] [-c CELL] N SEED PATCHDIR SRC WORKDIR
#   N     configurations per cell; SEED any string
#   -i I  only draw I (1..N), -c CELL only that cell: what a failure's
#         reproducer runs
#   SRC   the kernel repository with tag base; WORKDIR holds the
#         worktree (WORKDIR/tree) and one build directory per cell.
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
usage="usage: $0 [-i I] [-c CELL] N SEED PATCHDIR SRC WORKDIR"
only_i='' only_cell=''
while getopts i:c: opt; do
	case $opt in
	i) only_i=$OPTARG ;;
	c) only_cell=$OPTARG ;;
	*) die_usage "$usage" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 5 ] || die_usage "$usage"
n=$1 seed=$2 pdir=$(realpath "$3") src=$(realpath "$4") work=$5
case $n in '' | *[!0-9]*) die_usage "$usage" ;; esac
[ -n "$seed" ] || die_usage "error: empty SEED"
cells=$(cell_names randconfig | tr '\n' ' ')
cells=${cells% }
mkdir -p "$work"
work=$(realpath "$work")
need_tools git make python3 flock
exec 9>"$work/lock"
flock -n 9 || die_usage "error: another randconfig-dax.sh uses $work"

echo "TAP version 13"
tap_comment "seed $seed: $n configuration(s) per cell ($cells)"
t_start=$(date +%s)
if ! "$SCRIPTS/series/series-worktree.sh" "$pdir" "$src" "$work/tree" >/dev/null 2>"$work/apply.log"; then
	echo "not ok 1 - the series applies with git am # $(tail -n 1 "$work/apply.log")"
	echo "1..1"
	echo "0 passed, 1 failed, 0 skipped"
	exit 2
fi
export SERIES_TARGETS_CACHE=$work/targets-cache

tap_run "randconfig: a seed replays the same choices, another seed others" \
	python3 "$SCRIPTS/build/randconfig-dax.py" replay-check "$work/tree"

dax_landed=''
for i in $(seq 1 "$n"); do
	[ -z "$only_i" ] || [ "$i" = "$only_i" ] || continue
	for c in $cells; do
		[ -z "$only_cell" ] || [ "$c" = "$only_cell" ] || continue
		out=$work/out/$c
		mkdir -p "$out"
		frag=$out/random-$i.config
		rm -f "$out/landed.txt"
		python3 "$SCRIPTS/build/randconfig-dax.py" choose "$work/tree" "$seed" "$i" "$c" >"$frag" || exit 1
		tap_comment "config $i/$n $c asks: $(sed -n -e 's/^# CONFIG_\(.*\) is not set$/\1=n/p' -e 's/^CONFIG_//p' "$frag" | tr '\n' ' ')"
		# The step needs the walk's tree and random fragment: rerun it
		# through the walk.
		TAP_REPRO="scripts/build/randconfig-dax.sh -i $i -c $c $n '$seed' $pdir $src $work" \
			tap_run "randconfig $i/$n $c (seed $seed)" "$SCRIPTS/build/randconfig-step.sh" "$pdir" "$work/tree" "$out" "$c" "$frag"
		[ -s "$out/landed.txt" ] && dax_landed+=" $(awk '$1 == "DAX" { print $5 }' "$out/landed.txt")"
		[ -s "$out/landed.txt" ] && tap_comment "config $i/$n $c landed: $(awk '$3 != $5 { printf "%s=%s(asked %s) ", $1, $5, $3; next } { printf "%s=%s ", $1, $5 }' "$out/landed.txt")"
	done
done
# Coverage: the DAX=n stubs only matter where DAX=n landed.
tap_comment "DAX landed:$(for v in y m n; do printf ' %s in %s' "$v" "$(grep -o "\b$v\b" <<<"$dax_landed" | wc -l)"; done) of $(wc -w <<<"$dax_landed") configurations"
progress "randconfig done in $(($(date +%s) - t_start))s"
tap_finish
