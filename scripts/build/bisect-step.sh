#!/bin/bash
# One step of the bisectability walk: build the tree as it is checked out
# now (base + K patches) for one bisect cell of arch-matrix/cells.tsv,
# with DAX on or off, in a build directory that earlier steps left
# behind, so that only what the new patches change is rebuilt.
#
#  1. configure and build (build-cell.sh, the one cell builder): config +
#     the cell's fragments + dax_on or dax_off, every requested symbol
#     checked; the targets scripts/series/series-targets.sh derives from
#     patches/, with W=1;
#  2. fs-dax-core.config (FS_DAX=y), merged in the dax_on build, is
#     checked as the cell's fs_dax column says (always, tip or kept: see
#     the table);
#  3. warnings: W=1 finds warnings the base tree already has (for one,
#     drivers/dax/super.c: no previous prototype for 'run_dax'), so
#     -Werror would fail before any patch; x86_64_defconfig even sets
#     CONFIG_WERROR, hence -Wno-error (build-cell.sh -w).  Instead, step
#     0 (the base) records every warning it sees, and any later step
#     fails on a warning the base did not have: stricter than
#     CONFIG_WERROR, which the base passes with no warning at W=0.  Line
#     numbers are left out of the comparison, so moved code does not
#     count as new.  (-Werror=implicit-function-declaration and the like
#     stay errors.)
#
# usage: bisect-step.sh PATCHDIR CELL on|off TREE OUT K
#   K: how many patches TREE has on top of base (0 = base).
# exit: 0 ok, 1 usage or tool, 2 configure/check/build failed, 77 skip
# shellcheck disable=SC2154 # the cell_* variables: cell_load, kbuild.sh
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
usage="usage: $0 PATCHDIR CELL on|off TREE OUT K"
[ $# -eq 6 ] || die_usage "$usage"
pdir=$1 cell=$2 variant=$3 tree=$(realpath "$4") out=$5 k=$6
case $variant in on | off) ;; *) die_usage "$usage" ;; esac
case $k in '' | *[!0-9]*) die_usage "$usage" ;; esac
cell_load bisect "$cell" || exit 1
mkdir -p "$out"
out=$(realpath "$out")

# 1. configure, check and build.  Step 0 makes the warning reference
# from what it compiles, and an object already up to date prints
# nothing: it rebuilds every target (-r).
opts=(-t series -P "$pdir" -w)
[ "$k" -eq 0 ] && opts+=(-r)
if [ "$variant" = on ]; then
	# fs-dax-core is merged but checked below: where FS_DAX may be lost.
	soft=$(fragment_path fs-dax-core)
	opts+=(-f "$cell_dax_on" -F "$soft")
else
	opts+=(-f "$cell_dax_off")
fi
"$SCRIPTS/build/build-cell.sh" "${opts[@]}" bisect "$cell" "$tree" "$out" | tee "$out/step.log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 2 ]; then
	last=$(tail -n 1 "$out/step.log")
	case $last in
	*": prepare failed "* | *": objects failed "*) echo "error: build failed at step $k (${last#error: })" ;;
	*) echo "error: step $k: ${last#error: }" ;;
	esac
fi
[ "$rc" -eq 0 ] || exit "$rc"
# The step's whole compiler output, prepare stage included.
log=$out/build-$k.log
cat "$out/prepare.log" "$out/objects.log" >"$log"

# 2. FS_DAX as the fs_dax column says
if [ "$variant" = on ]; then
	first=$out/fs-dax.first # the first step of this walk that had FS_DAX
	[ "$k" -eq 0 ] && rm -f "$first"
	if [ "$(kconfig_value "$out" FS_DAX)" = y ]; then
		"$SCRIPTS/lib/config-check.sh" "$out/.config" "$soft" || exit 2
		[ -s "$first" ] && [ "$(cat "$first")" -le "$k" ] || echo "$k" >"$first"
	elif [ "$cell_fs_dax" = always ]; then
		"$SCRIPTS/lib/config-check.sh" "$out/.config" "$soft"
		echo "error: FS_DAX must be possible in $cell at every step"
		exit 2
	elif [ "$cell_fs_dax" = tip ] && [ "$k" -eq "$(series_patches "$pdir" | wc -l)" ]; then
		"$SCRIPTS/lib/config-check.sh" "$out/.config" "$soft"
		echo "error: the whole series must make FS_DAX possible in $cell"
		exit 2
	elif [ -s "$first" ] && [ "$(cat "$first")" -lt "$k" ]; then
		echo "error: FS_DAX landed at step $(cat "$first") but not at step $k: a patch lost it (bisect.sh -p $(cat "$first")-$k)"
		exit 2
	fi
fi
state="DAX=$(kconfig_value "$out" DAX) FS_DAX=$(kconfig_value "$out" FS_DAX)"
mapfile -t targets <"$out/targets"

# 3. warnings, keyed by file and message
keys() {
	sed -n "s|^$tree/||;s|^\([^ :]*\):[0-9]*\(:[0-9]*\)\?: warning: |\1: warning: |p" "$1" | sort -u
}
ref=$out/warnings.base
if [ "$k" -eq 0 ]; then
	keys "$log" >"$ref"
	echo "built ${#targets[@]} targets; $state; the base has $(wc -l <"$ref") warnings at W=1 (the reference)"
	exit 0
fi
[ -f "$ref" ] || { echo "error: no base reference in $out; run step 0 first"; exit 2; }
new=$(keys "$log" | comm -23 - "$ref")
if [ -n "$new" ]; then
	echo "$new"
	echo "error: $(wc -l <<<"$new") warning(s) the base does not have (log: $log)"
	exit 2
fi
echo "built ${#targets[@]} targets; $state; no new warning"
