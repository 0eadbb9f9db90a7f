#!/bin/bash
# The one cell builder: configure and build one cell of
# arch-matrix/cells.tsv for one tree, through kconfigure and kmake
# (kbuild.sh).  Every job builds its cells with it; the options say what
# differs between them:
#
#   -u        merge the fragments without checking them: the
#             unpatched base of a comparison keeps what its own Kconfig
#             allows, and a random draw may override them
#   -f NAME   one more fragment (configs/), checked: bisect's dax-on
#   -F FILE   one more fragment file, merged last and not checked:
#             bisect's fs-dax-core, randconfig's draw
#   -p        build the probe (scripts/build/probe): cache_is_aliasing()
#             must be the cell's expect
#   -t dax    build what the configuration has of drivers/dax/, fs/dax.o
#             (FS_DAX), drivers/nvdimm/ (LIBNVDIMM) and the cell's
#             objects (the default)
#   -t series build the objects scripts/series/series-targets.sh derives
#             from the patches (-P PATCHDIR, default patches/)
#   -w        W=1 for every phase (KBUILD_EXTRA_WARN, so no object is
#             rebuilt for a change of flags), with -Wno-error: defconfigs
#             with CONFIG_WERROR (x86_64) would make the base's own W=1
#             warnings fatal, and the callers judge warnings themselves
#   -r        remove the targets' objects and the prepare stage's
#             generated files first, so that every warning is printed
#             again (ccache makes it cheap and replays the compiler's)
#   -s        then sparse (C=2) over the series' objects (series-targets.sh)
#
# usage: build-cell.sh [options] JOB CELL TREE OUT
# writes OUT/summary (the DAX symbols), OUT/targets, OUT/seconds ("phase
# milliseconds" lines) and OUT/{configure,prepare,probe,objects,sparse}.log
# exit: 0 built, 1 usage, 2 a configure, check or build failed (the last
#       line says why), 77 skipped (the toolchain cannot be installed)
# shellcheck disable=SC2154 # the cell_* variables: cell_load, kbuild.sh
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
usage="usage: $0 [-u] [-f NAME]... [-F FILE]... [-p] [-t dax|series] [-P PATCHDIR] [-w] [-r] [-s] JOB CELL TREE OUT"
unchecked='' probe='' what=dax pdir=$TOP/${PATCHES:-patches} warn='' rebuild='' sparse=''
extra=() extra_files=()
while getopts uf:F:pt:P:wrs opt; do
	case $opt in
	u) unchecked=1 ;;
	f) extra+=("$OPTARG") ;;
	F) extra_files+=("$(realpath "$OPTARG")") ;;
	p) probe=1 ;;
	t) what=$OPTARG ;;
	P) pdir=$(realpath "$OPTARG") ;;
	w) warn=1 ;;
	r) rebuild=1 ;;
	s) sparse=1 ;;
	*) die_usage "$usage" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 4 ] || die_usage "$usage"
case $what in dax | series) ;; *) die_usage "$usage" ;; esac
job=$1 cell=$2 tree=$(realpath "$3")
cell_load "$job" "$cell" || exit 1
[ -z "$cell_skip" ] || die_usage "error: $job cell $cell cannot be built here: $cell_skip"
[ -d "$tree/arch/$cell_arch" ] || die_usage "error: $tree is not a kernel tree"
# The kernel's own variables override the data: CROSS_COMPILE, LLVM=.
cross=${CROSS_COMPILE:-$cell_cross}
[ -z "$cell_llvm" ] || export LLVM=$cell_llvm
arch=$cell_arch

# shellcheck disable=SC2086 # one package per word
if ! "$SCRIPTS/lib/deps.sh" ${cell_packages//,/ } >&2; then
	echo "no toolchain: Debian package(s) $cell_packages could not be installed"
	exit "$SKIP"
fi
need_tools make ccache "$(kernel_cc "$cross")"
mkdir -p "$4" && out=$(realpath "$4")
[ -z "$warn" ] || export KBUILD_EXTRA_WARN=1 KCFLAGS="${KCFLAGS:-} -Wno-error"

km() {
	kmake "$tree" "$out" "$arch" "$cross" "$@"
}
# phase NAME CMD...: run CMD with its output in OUT/NAME.log and note how
# long it took; on failure show the errors and name the log.
phase() {
	local name=$1 log=$out/$1.log t0 rc
	shift
	t0=$(date +%s%N)
	PROGRESS_LABEL="$cell $name" run_logged "$log" "$@"
	rc=$?
	echo "$name $((($(date +%s%N) - t0) / 1000000))" >>"$out/seconds"
	[ $rc -eq 0 ] && return 0
	grep -E 'error|Error' "$log" | head -n 5
	echo "error: $cell: $name failed (log: $log)"
	exit 2
}
has() {
	grep -Eq "^CONFIG_$1=[ym]" "$out/.config"
}

rm -f "$out/seconds"
mapfile -t frags < <(frag_paths "$cell_fragments${extra[*]:+,$(IFS=,; echo "${extra[*]}")}")
progress "$cell: $cell_config + $cell_fragments${extra[*]:+ + ${extra[*]}}${extra_files[*]:+ + ${extra_files[*]##*/}}"
if [ -n "$unchecked" ]; then
	args=(-- "${frags[@]}" "${extra_files[@]}")
else
	args=("${frags[@]}" -- "${extra_files[@]}")
fi
# Configuring is quick and its account of a dropped symbol is the point:
# it is shown whole, pass or fail.
t0=$(date +%s%N)
PROGRESS_LABEL="$cell configure" run_logged "$out/configure.log" \
	kconfigure "$tree" "$out" "$arch" "$cross" "$cell_config" "${args[@]}"
rc=$?
echo "configure $((($(date +%s%N) - t0) / 1000000))" >>"$out/seconds"
cat "$out/configure.log"
[ $rc -eq 0 ] || exit 2
dax_config_summary "$out/.config" | tee "$out/summary"

# What to build: single object targets are compiled whatever the
# configuration says, hence the checks; an object of the cell's list
# only exists in a tree that has its source.
targets=()
if [ "$what" = dax ]; then
	has DAX && targets+=(drivers/dax/)
	has FS_DAX && targets+=(fs/dax.o)
	has LIBNVDIMM && targets+=(drivers/nvdimm/)
	for o in ${cell_objects//,/ }; do
		obj=${o#*:}
		has "${o%%:*}" && [ -f "$tree/${obj%.o}.c" ] && targets+=("$obj")
	done
	[ ${#targets[@]} -gt 0 ] || { echo "error: $cell: the configuration builds none of drivers/dax/, fs/dax.o, drivers/nvdimm/"; exit 2; }
else
	mapfile -t targets < <("$SCRIPTS/series/series-targets.sh" "$pdir" "$tree" "$out" "$arch" 2>"$out/targets.skipped")
	grep '^error' "$out/targets.skipped" && exit 2
	[ ${#targets[@]} -gt 0 ] || { echo "error: $cell: no target of the series is in this configuration"; exit 2; }
fi
printf '%s\n' "${targets[@]}" >"$out/targets"

if [ -n "$rebuild" ]; then
	# The prepare stage prints its W=1 warnings (asm-offsets.c and its
	# kin, genksyms' grammar) only when it rebuilds their outputs; Kbuild
	# rewrites a generated header only if its content changed.
	find "$out/arch" "$out/kernel" "$out/scripts/mod" -name '*offsets.s' -delete 2>/dev/null
	rm -f "$out/kernel/bounds.s" "$out"/scripts/genksyms/{parse.tab.c,parse.tab.h,lex.lex.c}
	for t in "${targets[@]}"; do
		case $t in
		*/) [ -d "$out/$t" ] && find "$out/$t" -name '*.o' -delete ;;
		*) rm -f "$out/$t" ;;
		esac
	done
fi
phase prepare km prepare

if [ -n "$probe" ]; then
	case $cell_expect in
	false) expect=0 ;; true) expect=1 ;; runtime) expect=2 ;;
	*) die_usage "error: $job cell $cell: expect must be false, true or runtime" ;;
	esac
	# External objects are built in their own directory (6.1 has no
	# MO=): build a copy, not the project's source.
	rm -rf "$out/probe" && cp -r "$SCRIPTS/build/probe" "$out/probe"
	phase probe km M="$out/probe" PROBE_EXPECT=$expect cache_aliasing_probe.o
	echo "probe: cache_is_aliasing() is $cell_expect, as expected"
fi

phase objects km "${targets[@]}"
echo "built ${targets[*]}"

if [ -n "$sparse" ]; then
	need_tools sparse
	# The objects are built: C=2 only runs the checker on each source.
	mapfile -t checked < <("$SCRIPTS/series/series-targets.sh" "$pdir" "$tree" "$out" "$arch" 2>/dev/null)
	[ ${#checked[@]} -gt 0 ] || { echo "error: $cell: no object of the series to check with sparse"; exit 2; }
	printf '%s\n' "${checked[@]}" >"$out/sparse.targets"
	phase sparse km C=2 CHECK=sparse "${checked[@]}"
	echo "sparse checked ${checked[*]}"
fi
