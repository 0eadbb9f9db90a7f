#!/bin/bash
# Run the series' KUnit suite with the tree's own kunit.py, on UML or in
# QEMU, and insist that the suite really ran (ktap.py kunit-json reads
# kunit.py's JSON): a kunit.py run that finds no test would otherwise
# pass.
#
# usage: kunit.sh TREE BUILDDIR um|arm [KUNITCONFIG]
#   KUNITCONFIG: default TREE's drivers/dax/.kunitconfig; the series' one
#   on the unpatched base, where this must fail (must-fail.sh), because
#   the suite does not exist there.
# exit: 0 ok, 1 usage/missing tool, 2 failure, 77 skip
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 3 ] || [ $# -eq 4 ] || die_usage "usage: $0 TREE BUILDDIR um|arm [KUNITCONFIG]"
tree=$(realpath "$1") out=$2 arch=$3 kconf=${4:-}
suite=dax-cache-aliasing
mkdir -p "$out"
out=$(realpath "$out")
export CCACHE_DIR=${CCACHE_DIR:-$TOP/build/ccache}
ccache=$(command -v ccache || true)

kconf=$(realpath "${kconf:-$tree/drivers/dax/.kunitconfig}")
rm -f "$out/kunit.json"
args=(run --kunitconfig="$kconf" --build_dir="$out" --jobs="$(nproc)" --timeout=300 --json="$out/kunit.json")
case $arch in
um)
	"$SCRIPTS/lib/deps.sh" gcc libc6-dev >&2 || exit 1
	args+=(--make_options "CC=$ccache gcc")
	;;
arm)
	# Cortex-A15 on virt: ARMv7, a data cache that does not alias.
	"$SCRIPTS/lib/deps.sh" gcc-arm-linux-gnueabihf qemu-system-arm >&2 || { echo "no arm toolchain or qemu-system-arm"; exit "$SKIP"; }
	args+=(--arch=arm --cross_compile=arm-linux-gnueabihf- --qemu_args="-cpu cortex-a15"
		--make_options "CC=$ccache arm-linux-gnueabihf-gcc")
	;;
*) die_usage "usage: $0 TREE BUILDDIR um|arm [KUNITCONFIG]" ;;
esac

progress "kunit.py ${args[*]} (in $tree)"
PROGRESS_LABEL="kunit.py $arch" run_logged "$out/kunit.log" env -C "$tree" PATH="/usr/bin:$PATH" ./tools/testing/kunit/kunit.py "${args[@]}"
rc=$?
grep -E '^\[..:..:..\] (=|\[|Testing complete|Elapsed)' "$out/kunit.log" | sed 's/^\[..:..:..\] //'
grep -h 'cache_is_aliasing' "$out/kunit.log" | head -n 3
[ $rc -eq 0 ] || { grep -iE "error|missing|CONFIG_" "$out/kunit.log" | tail -n 10; echo "error: kunit.py failed with $rc (log: $out/kunit.log)"; exit 2; }
# What ran, as kunit.py's own parser (kunit_parser.py) read it.
python3 "$SCRIPTS/qemu/ktap.py" kunit-json "$out/kunit.json" --suite "$suite" --min-cases 3 ||
	{ echo "error: the suite did not run as it must (log: $out/kunit.log)"; exit 2; }
echo "kunit $arch: $suite passed"
