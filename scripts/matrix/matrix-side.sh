#!/bin/bash
# Build one tree for one cell of the arch matrix
# (arch-matrix/matrix-cells.tsv), everything with W=1: the row's config
# and fragments, make prepare, then what the final configuration has of
# drivers/dax/, fs/dax.o (FS_DAX), drivers/nvdimm/ (LIBNVDIMM) and the
# row's extra objects.  For the series (patched) every requested symbol
# must land (config-check.sh) and the probe must give the row's answer.
# The base is configured from the same data but only built, for
# comparison: it keeps whatever its own Kconfig allows.
#
# With SPARSE=1 it then runs sparse (C=2) over every object the series
# touches that this configuration compiles (series-targets.sh), into
# OUTDIR/sparse.log, which matrix-cell.sh judges (sparse-new.py).
#
# usage: matrix-side.sh ARCH TREE OUTDIR patched|base
# writes OUTDIR/summary (the DAX symbols), OUTDIR/targets (what it
# built), OUTDIR/seconds ("phase milliseconds" lines) and OUTDIR/*.log
# exit: 0 built, 1 usage, 2 a build or check failed (the last line says why)
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
usage="usage: $0 ARCH TREE OUTDIR patched|base"
[ $# -eq 4 ] || die_usage "$usage"
case $4 in patched | base) ;; *) die_usage "$usage" ;; esac
arch=$1 tree=$(realpath "$2") side=$4
IFS=$'\x1f' read -r _ m_cross m_llvm m_config m_fragments m_expect m_objects _ < <(matrix_row "$arch") ||
	die_usage "error: no row '$arch' in arch-matrix/matrix-cells.tsv"
mkdir -p "$3" && out=$(realpath "$3")
export LLVM=$m_llvm
cc=$(kernel_cc "$m_cross")
need_tools make ccache "$cc"

# W=1 everywhere (Kbuild reads KBUILD_EXTRA_WARN from the environment),
# so that no object is rebuilt for a change of flags.
# KCFLAGS=-Wno-error: defconfigs with CONFIG_WERROR (x86_64) would make
# the base's own W=1 warnings fatal; matrix-compare.py judges warnings.
export KBUILD_EXTRA_WARN=1 KCFLAGS="${KCFLAGS:-} -Wno-error"
km() {
	kmake "$tree" "$out" "$arch" "$m_cross" "$@"
}
# phase NAME LOG CMD...: run CMD with its output in OUTDIR/LOG and note
# how long it took; on failure show the errors and name the log.
phase() {
	local name=$1 log=$out/$2 t0 rc
	shift 2
	t0=$(date +%s%N)
	PROGRESS_LABEL="$arch $side $name" run_logged "$log" "$@"
	rc=$?
	echo "$name $((($(date +%s%N) - t0) / 1000000))" >>"$out/seconds"
	[ $rc -eq 0 ] && return 0
	grep -E 'error|Error' "$log" | head -n 5
	echo "error: $side: $name failed (log: $log)"
	exit 2
}
has() {
	grep -Eq "^CONFIG_$1=[ym]" "$out/.config"
}

rm -f "$out/seconds"
mapfile -t frags < <(frag_paths "$m_fragments")
progress "$arch $side: $m_config + ${m_fragments:-no fragments}"
# The series must keep every requested symbol; the base is only built,
# for comparison, with whatever its own Kconfig allows of them.
if [ "$side" = patched ]; then
	phase configure configure.log kconfigure "$tree" "$out" "$arch" "$m_cross" "$m_config" "${frags[@]}"
else
	phase configure configure.log kconfigure "$tree" "$out" "$arch" "$m_cross" "$m_config" -- "${frags[@]}"
fi
dax_config_summary "$out/.config" | tee "$out/summary"
# The prepare stage prints its W=1 warnings (asm-offsets.c and its kin,
# genksyms' grammar) only when it rebuilds their outputs, which a new
# configuration on one side alone (the series changed a Kconfig file)
# makes it do: remove them, so that both sides print them every time
# (ccache replays the compiler's; Kbuild rewrites a generated header only
# if its content changed).
find "$out/arch" "$out/kernel" "$out/scripts/mod" -name '*offsets.s' -delete 2>/dev/null
rm -f "$out/kernel/bounds.s" "$out"/scripts/genksyms/{parse.tab.c,parse.tab.h,lex.lex.c}
phase prepare prepare.log km prepare

if [ "$side" = patched ]; then
	case $m_expect in
	false) expect=0 ;; true) expect=1 ;; runtime) expect=2 ;;
	*) die_usage "error: $arch: expect must be false, true or runtime" ;;
	esac
	# External objects are built in their own directory (6.1 has no
	# MO=): build a copy, not the project's source.
	rm -rf "$out/probe" && cp -r "$SCRIPTS/build/probe" "$out/probe"
	phase probe probe.log km M="$out/probe" PROBE_EXPECT=$expect cache_aliasing_probe.o
	echo "probe: cache_is_aliasing() is $m_expect, as expected"
fi

# What the configuration has of what the series changes.  A single
# object target is compiled whatever the configuration says, hence the
# checks; an extra object is SYMBOL:path.o, and only exists on a side
# whose tree has its source.
targets=()
has DAX && targets+=(drivers/dax/)
has FS_DAX && targets+=(fs/dax.o)
has LIBNVDIMM && targets+=(drivers/nvdimm/)
for o in ${m_objects//,/ }; do
	obj=${o#*:}
	has "${o%%:*}" && [ -f "$tree/${obj%.o}.c" ] && targets+=("$obj")
done
printf '%s\n' "${targets[@]}" >"$out/targets"
# Rebuild the objects every time (ccache makes it cheap and replays the
# compiler's messages): the W=1 comparison needs every warning, not only
# those of the files that changed since the last run.
for t in "${targets[@]}"; do
	case $t in
	*/) [ -d "$out/$t" ] && find "$out/$t" -name '*.o' -delete ;;
	*) rm -f "$out/$t" ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || { echo "error: $side: the configuration builds none of drivers/dax/, fs/dax.o, drivers/nvdimm/"; exit 2; }
phase objects objects.log km "${targets[@]}"
echo "$side: built ${targets[*]}"

if [ -n "${SPARSE:-}" ]; then
	need_tools sparse
	# The objects are built: C=2 only runs the checker on each source.
	mapfile -t checked < <("$SCRIPTS/series/series-targets.sh" "$TOP/${PATCHES:-patches}" "$tree" "$out" "$arch" 2>/dev/null)
	[ ${#checked[@]} -gt 0 ] || { echo "error: $side: no object of the series to check with sparse"; exit 2; }
	printf '%s\n' "${checked[@]}" >"$out/sparse.targets"
	phase sparse sparse.log km C=2 CHECK=sparse "${checked[@]}"
	echo "$side: sparse checked ${checked[*]}"
fi
