#!/bin/bash
# One random configuration of randconfig-dax.sh: the cell's defconfig and
# fragments (a randconfig cell of arch-matrix/cells.tsv), then the random fragment
# last, so that its choices win over the cell's; olddefconfig; report
# what was asked and what landed (Kconfig overriding a random choice is
# expected, not a failure); build the series' targets
# (series-targets.sh) for what landed, through build-cell.sh, the one
# cell builder.  Fails on a build error.
#
# Warnings: reported, counted, not failed on.  A random configuration
# has no warning-free reference (the base has warnings at W=1 already,
# see bisect-step.sh), and CONFIG_WERROR stays as the defconfig has it
# (x86_64_defconfig sets it: there every warning is an error).
#
# usage: randconfig-step.sh PATCHDIR TREE OUT CELL FRAGMENT
# exit: 0 built, 1 usage or tool, 2 configure or build failed, 77 skip
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
[ $# -eq 5 ] || die_usage "usage: $0 PATCHDIR TREE OUT CELL FRAGMENT"
pdir=$1 tree=$(realpath "$2") out=$3 cell=$4 frag=$(realpath "$5")

mkdir -p "$out"
out=$(realpath "$out")
# Nothing is checked (-u): the random choices may override the cell's.
"$SCRIPTS/build/build-cell.sh" -u -F "$frag" -t series -P "$pdir" randconfig "$cell" "$tree" "$out"
rc=$?
# What Kconfig made of the draw, also when the build failed.
[ -f "$out/kconfig.stamp" ] &&
	python3 "$SCRIPTS/build/randconfig-dax.py" landed "$frag" "$out/.config" | tee "$out/landed.txt"
[ $rc -eq 0 ] || exit $rc
log=$out/objects.log
warnings=$(grep -c ': warning: ' "$log")
grep ': warning: ' "$log" | sed "s|^$tree/||" | head -n 20
echo "built $(wc -l <"$out/targets") targets, $warnings warning(s); landed: $(awk '{ printf "%s=%s ", $1, $5 }' "$out/landed.txt")"
