#!/bin/bash
# The QEMU KUnit tests must fail on the unpatched base, where the suite
# does not exist; a harness that passes there proves nothing.  Two ways:
#   1. kunit-kernel.sh stops at the config check, naming the dropped
#      CONFIG_DAX_CACHE_ALIASING_KUNIT_TEST;
#   2. built anyway (KEEP_DROPPED=1), the kernel boots on SCENARIO and
#      qemu-kunit.sh fails because the suite did not run.
#
# usage: qemu-kunit-unpatched.sh BASE_TREE OUTDIR SCENARIO FRAGMENT...
# exit: 0 both failed as they must, 1 usage, 2 something passed or failed
#       for another reason, 77 skipped (no toolchain or qemu)
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 4 ] || die_usage "usage: $0 BASE_TREE OUTDIR SCENARIO FRAGMENT..."
here=$(cd "$(dirname "$0")" && pwd)
tree=$1 out=$2 scenario=$3
shift 3
[ ! -e "$tree/include/linux/cache_aliasing.h" ] ||
	die_usage "error: $tree has include/linux/cache_aliasing.h: it is not the unpatched base"

mkdir -p "$(dirname "$out")"
expect_failure "$out.config-check.log" 'asks for CONFIG_DAX_CACHE_ALIASING_KUNIT_TEST=y' \
	"$here/kunit-kernel.sh" "$tree" "$out" "$@" || exit
echo "base: the config check refuses the kernel: DAX_CACHE_ALIASING_KUNIT_TEST dropped"

KEEP_DROPPED=1 "$here/kunit-kernel.sh" "$tree" "$out" "$@" >"$out.build.log" 2>&1 ||
	{ tail -n 5 "$out.build.log"; echo "error: the base kernel did not build (log: $out.build.log)"; exit 2; }
expect_failure "$out.boot.log" '^error: suite dax-cache-aliasing did not run' \
	"$here/qemu-kunit.sh" "$scenario" "$out" || exit
echo "base: the kernel boots on $scenario and qemu-kunit.sh fails: the suite did not run"
