#!/bin/bash
# One random configuration of randconfig-dax.sh: the cell's defconfig and
# fragments (arch-matrix/bisect-cells.tsv), then the random fragment
# last, so that its choices win over the cell's; olddefconfig; report
# what was asked and what landed (Kconfig overriding a random choice is
# expected, not a failure); build the series' targets
# (series-targets.sh) for what landed.  Fails on a build error.
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

row=$(cell_row "$TOP/arch-matrix/bisect-cells.tsv" "$cell")
[ -n "$row" ] || die_usage "error: no cell '$cell' in arch-matrix/bisect-cells.tsv"
IFS=$'\t' read -r _ arch cross pkg defconfig common _ <<<"$row"
[ "$cross" = - ] && cross=
cross=${CROSS_COMPILE:-$cross}
case $arch in x86_64 | i386) srcarch=x86 ;; *) srcarch=$arch ;; esac
if ! "$SCRIPTS/lib/deps.sh" "$pkg" >&2; then
	echo "no toolchain: Debian package $pkg could not be installed"
	exit "$SKIP"
fi
mkdir -p "$out"
out=$(realpath "$out")

mapfile -t frags < <(frag_paths "$common")
# Nothing is checked: the random choices may override the cell's.
kconfigure "$tree" "$out" "$arch" "$cross" "$defconfig" -- "${frags[@]}" "$frag" || exit 2
python3 "$SCRIPTS/build/randconfig-dax.py" landed "$frag" "$out/.config" | tee "$out/landed.txt"

mapfile -t targets < <("$SCRIPTS/series/series-targets.sh" "$pdir" "$tree" "$out" "$srcarch" 2>"$out/targets.skipped")
grep '^error' "$out/targets.skipped" && exit 2
[ ${#targets[@]} -gt 0 ] || { echo "error: no target of the series is in this configuration"; exit 2; }
echo "targets: ${targets[*]}"
log=$out/build.log
if ! run_logged "$log" kmake "$tree" "$out" "$arch" "$cross" "${targets[@]}"; then
	grep -E 'error|Error' "$log" | head -n 10
	echo "error: build failed (log: $log)"
	exit 2
fi
warnings=$(grep -c ': warning: ' "$log")
grep ': warning: ' "$log" | sed "s|^$tree/||" | head -n 20
echo "built ${#targets[@]} targets, $warnings warning(s); landed: $(awk '{ printf "%s=%s ", $1, $5 }' "$out/landed.txt")"
