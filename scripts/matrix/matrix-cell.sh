#!/bin/bash
# One cell of the arch matrix: one architecture, a row of
# arch-matrix/matrix-cells.tsv.  Installs the row's toolchain (Debian
# packages), builds the series and the unpatched base with the same
# configuration (matrix-side.sh) and compares them (matrix-compare.py:
# bloat-o-meter per object, W=1 warnings).
#
# The result is arch-matrix/results/ARCH.json (MATRIX_RESULTS= for
# another folder).  It is written before anything else with status
# "running" and filled in as the cell goes, so that a killed run leaves
# a trace of where it stopped; the last write sets pass, fail or skip.
#
# usage: matrix-cell.sh ARCH TREE BASE OUTDIR
#   TREE: the series applied; BASE: the unpatched base; OUTDIR: for the
#   hard-linked mirrors of both trees (tree_mirror in lib.sh, which lets
#   ccache share objects between them) with the build directories inside
#   (OUTDIR/{patched,base}/o-ARCH, reused), and the logs (OUTDIR/ARCH/).
# exit: 0 pass, 1 usage, 2 a build or check failed, 77 skip (the row
#       says why, or its toolchain cannot be installed)
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
[ $# -eq 4 ] || die_usage "usage: $0 ARCH TREE BASE OUTDIR"
top=$TOP
arch=$1 top_out=$(realpath -m "$4") out=$(realpath -m "$4/$1")
IFS=$'\x1f' read -r packages cross llvm config fragments expect _ skip < <(matrix_row "$arch") ||
	die_usage "error: no row '$arch' in arch-matrix/matrix-cells.tsv"
results=${MATRIX_RESULTS:-$top/arch-matrix/results}
json=$results/$arch.json
mkdir -p "$results" "$out"
export CCACHE_DIR=${CCACHE_DIR:-$top/build/ccache}
# The kernel's debug info would make ccache hash the build directory.
export CCACHE_NOHASHDIR=1

res() {
	python3 "$SCRIPTS/matrix/matrix-result.py" "$json" "$@"
}
t0=$(date +%s)
# end STATUS EXIT REASON: the last write of the result; REASON is also
# the last line printed, which the TAP runner shows.
end() {
	res status="$1" reason="$3" seconds.total:=$(($(date +%s) - t0)) \
		finished="$(date -u +%FT%TZ)" loadavg.end="$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "$3"
	exit "$2"
}
# side_result NAME: what matrix-side.sh noted for one side.
side_result() {
	local args=() phase ms kv o=$top_out/$1/o-$arch
	while read -r phase ms; do args+=("seconds.$1.$phase:=$(awk -v m="$ms" 'BEGIN { printf "%.1f", m / 1000 }')"); done <"$o/seconds"
	for kv in $(cat "$o/summary" 2>/dev/null); do args+=("config.$1.$kv"); done
	[ ${#args[@]} -eq 0 ] || res "${args[@]}"
}

rm -f "$json"
res status=running arch="$arch" series="$(series_hash "$top/${PATCHES:-patches}")" \
	tree="$(git -C "$2" rev-parse HEAD 2>/dev/null || echo unknown)" \
	started="$(date -u +%FT%TZ)" reproduce="scripts/matrix/matrix-cell.sh $*" \
	config.defconfig="${config:--}" config.fragments="${fragments:--}" expect="${expect:--}" \
	ccache="$CCACHE_DIR" loadavg.start="$(cut -d' ' -f1-3 /proc/loadavg)" || exit 1

[ -z "$skip" ] || end skip "$SKIP" "$skip"
progress "$arch: toolchain ${packages//,/ }"
t=$(date +%s)
"$SCRIPTS/lib/deps.sh" ${packages//,/ } >&2 ||
	end skip "$SKIP" "no toolchain: apt-get install ${packages//,/ } failed"
cc=$(LLVM=$llvm kernel_cc "$cross")
command -v "$cc" >/dev/null || end skip "$SKIP" "no toolchain: $cc not found after installing ${packages//,/ }"
res toolchain.packages="$packages" toolchain.cc="$cc" toolchain.version="$("$cc" --version | head -n 1)" \
	seconds.toolchain:=$(($(date +%s) - t)) ${llvm:+toolchain.llvm=$llvm}

# sparse (C=2) on the series' side for the cells in SPARSE_ARCHES
# (ARMv7 LPAE and x86_64 by default): a warning on a line the series
# added fails.  The base needs no run: its lines are not judged.
sparse=
case " ${SPARSE_ARCHES-arm x86} " in *" $arch "*) sparse=1; "$SCRIPTS/lib/deps.sh" sparse >&2 || end fail 1 "error: cannot install sparse" ;; esac
for side in patched base; do
	[ $side = patched ] && src=$2 || src=$3
	[ -d "$src/arch" ] || end fail 1 "error: $src is not a kernel tree"
	tree_mirror "$src" "$top_out/$side" || end fail 2 "error: cannot mirror $src in $top_out/$side"
	SPARSE=$([ $side = patched ] && echo "$sparse") "$SCRIPTS/matrix/matrix-side.sh" "$arch" "$top_out/$side" "$top_out/$side/o-$arch" $side >"$out/$side.log" 2>&1
	rc=$?
	side_result $side
	[ $rc -eq 0 ] || end fail "$( [ $rc -eq 1 ] && echo 1 || echo 2)" "$side: $(tail -n 1 "$out/$side.log")"
done

# bloat-o-meter runs "${prefix}nm --size-sort": the cross binutils' nm,
# or for the clang cells LLVM's, which also lists undefined symbols
# (without a size, which bloat-o-meter cannot parse): wrap it.
nm_prefix=$cross
if [ -n "$llvm" ]; then
	case $llvm in
	*/) nm="${llvm}llvm-nm" ;;
	-*) nm="llvm-nm$llvm" ;;
	*) nm="llvm-nm" ;;
	esac
	printf '#!/bin/sh\nexec %s --defined-only "$@"\n' "$nm" >"$out/llvm-nm"
	chmod +x "$out/llvm-nm"
	nm_prefix=$out/llvm-
fi
t=$(date +%s)
rm -f "$out/compare.json"
python3 "$SCRIPTS/matrix/matrix-compare.py" "$out/compare.json" "$top_out/patched" "$top_out/base" \
	"$top_out/patched/o-$arch" "$top_out/base/o-$arch" "$nm_prefix" "$top/${PATCHES:-patches}" >"$out/compare.log" 2>&1
rc=$?
[ -f "$out/compare.json" ] && res "@$out/compare.json" seconds.compare:=$(($(date +%s) - t))
cat "$out/compare.log"
[ $rc -eq 0 ] || end fail 2 "$(tail -n 1 "$out/compare.log") (log: $out/compare.log)"
if [ -n "$sparse" ]; then
	python3 "$SCRIPTS/matrix/sparse-new.py" "$2" base "$top_out/patched/o-$arch/sparse.log" "$out/sparse.new" \
		>"$out/sparse.summary"
	rc=$?
	cat "$out/sparse.summary"
	res sparse.new:="$(wc -l <"$out/sparse.new")" \
		sparse.targets="$(tr '\n' ' ' <"$top_out/patched/o-$arch/sparse.targets")"
	if [ $rc -ne 0 ]; then
		sed 's/^/new sparse warning: /' "$out/sparse.new" | head -n 20
		end fail 2 "error: $(wc -l <"$out/sparse.new") sparse warning(s) on lines the series added, the first: $(head -n 1 "$out/sparse.new") (all: $out/sparse.new)"
	fi
fi
end pass 0 "pass: $(cat "$top_out/patched/o-$arch/summary")probe $expect; $(head -n 1 "$out/compare.log")"
