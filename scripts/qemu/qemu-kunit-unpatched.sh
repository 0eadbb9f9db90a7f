#!/bin/bash
# The QEMU KUnit tests must fail on the unpatched base, where the suite
# does not exist; a harness that passes there proves nothing.  Two ways:
#   1. qemu-kernel.sh stops at the config check of the scenario's kernel
#      recipe, naming the dropped CONFIG_DAX_CACHE_ALIASING_KUNIT_TEST;
#   2. built anyway (KEEP_DROPPED=1, which qemu-run.sh honours too), the
#      kernel boots on SCENARIO and qemu-run.sh fails because the suite
#      did not run.
#
# usage: qemu-kunit-unpatched.sh BASE_TREE OUTDIR SCENARIO
#   SCENARIO: a qemu/*.conf with a SUITE; OUTDIR: the kernel's build
#   directory (the boot's output goes to OUTDIR.boot).
# exit: 0 both failed as they must, 1 usage, 2 something passed or failed
#       for another reason, 77 skipped (no toolchain or qemu)
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 3 ] || die_usage "usage: $0 BASE_TREE OUTDIR SCENARIO"
tree=$1 out=$2 conf=$3
[ -f "$conf" ] || die_usage "error: no scenario $conf"
[ ! -e "$tree/include/linux/cache_aliasing.h" ] ||
	die_usage "error: $tree has include/linux/cache_aliasing.h: it is not the unpatched base"
kernel=$(conf_value "$conf" KERNEL)
recipe=$(kernel_recipe "$kernel") || exit 1
image=$(conf_value "$recipe" IMAGE)

mkdir -p "$(dirname "$out")"
expect_failure "$out.config-check.log" 'asks for CONFIG_DAX_CACHE_ALIASING_KUNIT_TEST=y' \
	"$SCRIPTS/qemu/qemu-kernel.sh" "$kernel" "$tree" "$out" || exit
echo "base: the config check refuses the kernel: DAX_CACHE_ALIASING_KUNIT_TEST dropped"

KEEP_DROPPED=1 "$SCRIPTS/qemu/qemu-kernel.sh" "$kernel" "$tree" "$out" >"$out.build.log" 2>&1 ||
	{ tail -n 5 "$out.build.log"; echo "error: the base kernel did not build (log: $out.build.log)"; exit 2; }
expect_failure "$out.boot.log" '^error: suite dax-cache-aliasing did not run' \
	env KEEP_DROPPED=1 "$SCRIPTS/qemu/qemu-run.sh" "$conf" "$out/$image" - "$out.boot" || exit
echo "base: the kernel boots on ${conf##*/} and qemu-run.sh fails: the suite did not run"
