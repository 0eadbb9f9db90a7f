#!/bin/bash
# One step of the bisectability walk: build the tree as it is checked out
# now (base + K patches) for one cell of arch-matrix/bisect-cells.tsv,
# with DAX on or off, in a build directory that earlier steps left
# behind, so that only what the new patches change is rebuilt.
#
#  1. configure: defconfig + the cell's fragments + dax-on or dax-off,
#     olddefconfig (kconfigure, kbuild.sh: skipped when nothing it
#     reads changed); every requested symbol must land,
#     fs-dax-core.config as the cell's fs_dax column says (always, tip or
#     kept: see the table);
#  2. build the targets scripts/series/series-targets.sh derives from patches/,
#     with W=1;
#  3. warnings: W=1 finds warnings the base tree already has (for one,
#     drivers/dax/super.c: no previous prototype for 'run_dax'), so
#     -Werror would fail before any patch; x86_64_defconfig even sets
#     CONFIG_WERROR, hence KCFLAGS=-Wno-error.  Instead, step 0 (the
#     base) records every warning it sees, and any later step fails on
#     a warning the base did not have: stricter than CONFIG_WERROR,
#     which the base passes with no warning at W=0.  Line numbers are
#     left out of the comparison, so moved code does not count as new.
#     (-Werror=implicit-function-declaration and the like stay errors.)
#
# usage: bisect-step.sh PATCHDIR CELL on|off TREE OUT K
#   K: how many patches TREE has on top of base (0 = base).
# exit: 0 ok, 1 usage or tool, 2 configure/check/build failed, 77 skip
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
usage="usage: $0 PATCHDIR CELL on|off TREE OUT K"
[ $# -eq 6 ] || die_usage "$usage"
pdir=$1 cell=$2 variant=$3 tree=$(realpath "$4") out=$5 k=$6
case $variant in on | off) ;; *) die_usage "$usage" ;; esac
case $k in '' | *[!0-9]*) die_usage "$usage" ;; esac

row=$(cell_row "$TOP/arch-matrix/bisect-cells.tsv" "$cell")
[ -n "$row" ] || die_usage "error: no cell '$cell' in arch-matrix/bisect-cells.tsv"
IFS=$'\t' read -r _ arch cross pkg defconfig common dax_on dax_off fs_dax <<<"$row"
[ "$cross" = - ] && cross=
case $arch in x86_64 | i386) srcarch=x86 ;; *) srcarch=$arch ;; esac
cross=${CROSS_COMPILE:-$cross}
if ! "$SCRIPTS/lib/deps.sh" "$pkg" >&2; then
	echo "no toolchain: Debian package $pkg could not be installed"
	exit "$SKIP"
fi
mkdir -p "$out"
out=$(realpath "$out")

# 1. configure and check
if [ "$variant" = on ]; then extra=$dax_on; else extra=$dax_off; fi
mapfile -t frags < <(frag_paths "$common,$extra")
soft=()
[ "$variant" = on ] && mapfile -t soft < <(frag_paths fs-dax-core)
# fs-dax-core is merged but checked below: where FS_DAX may be lost.
kconfigure "$tree" "$out" "$arch" "$cross" "$defconfig" "${frags[@]}" -- "${soft[@]}" || exit 2
if [ "$variant" = on ]; then
	first=$out/fs-dax.first # the first step of this walk that had FS_DAX
	[ "$k" -eq 0 ] && rm -f "$first"
	if [ "$(kconfig_value "$out" FS_DAX)" = y ]; then
		"$SCRIPTS/lib/config-check.sh" "$out/.config" "${soft[@]}" || exit 2
		[ -s "$first" ] && [ "$(cat "$first")" -le "$k" ] || echo "$k" >"$first"
	elif [ "$fs_dax" = always ]; then
		"$SCRIPTS/lib/config-check.sh" "$out/.config" "${soft[@]}"
		echo "error: FS_DAX must be possible in $cell at every step"
		exit 2
	elif [ "$fs_dax" = tip ] && [ "$k" -eq "$(series_patches "$pdir" | wc -l)" ]; then
		"$SCRIPTS/lib/config-check.sh" "$out/.config" "${soft[@]}"
		echo "error: the whole series must make FS_DAX possible in $cell"
		exit 2
	elif [ -s "$first" ] && [ "$(cat "$first")" -lt "$k" ]; then
		echo "error: FS_DAX landed at step $(cat "$first") but not at step $k: a patch lost it (bisect.sh -p $(cat "$first")-$k)"
		exit 2
	fi
fi
state="DAX=$(kconfig_value "$out" DAX) FS_DAX=$(kconfig_value "$out" FS_DAX)"
echo "config: $state"

# 2. build
mapfile -t targets < <("$SCRIPTS/series/series-targets.sh" "$pdir" "$tree" "$out" "$srcarch" 2>"$out/targets.skipped")
[ -s "$out/targets.skipped" ] && grep -q '^error' "$out/targets.skipped" && { cat "$out/targets.skipped"; exit 2; }
[ ${#targets[@]} -gt 0 ] || { echo "error: no target of the series is in this configuration"; exit 2; }
echo "targets: ${targets[*]}"
log=$out/build-$k.log
# Step 0 makes the warning reference from what it compiles.  An object
# already up to date prints nothing, so unless the reference was made
# for these very targets, remove their objects first (ccache makes the
# recompilation cheap; its hits replay the warnings too).
if [ "$k" -eq 0 ] && [ "$(cat "$out/warnings.base.targets" 2>/dev/null)" != "${targets[*]}" ]; then
	rm -f "$out/warnings.base"
	for t in "${targets[@]}"; do
		case $t in
		*/) [ -d "$out/$t" ] && find "$out/$t" -name '*.o' -delete ;;
		*) rm -f "$out/$t" ;;
		esac
	done
fi
if ! run_logged "$log" kmake "$tree" "$out" "$arch" "$cross" W=1 KCFLAGS=-Wno-error "${targets[@]}"; then
	grep -E 'error|Error' "$log" | head -n 10
	echo "error: build failed at step $k (log: $log)"
	exit 2
fi

# 3. warnings, keyed by file and message
keys() {
	sed -n "s|^$tree/||;s|^\([^ :]*\):[0-9]*\(:[0-9]*\)\?: warning: |\1: warning: |p" "$1" | sort -u
}
ref=$out/warnings.base
if [ "$k" -eq 0 ]; then
	echo "${targets[*]}" >"$ref.targets"
	touch "$ref"
	keys "$log" | sort -u - "$ref" >"$ref.new" && mv "$ref.new" "$ref"
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
