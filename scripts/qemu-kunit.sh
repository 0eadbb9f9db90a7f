#!/bin/bash
# Boot a kernel with the KUnit suite built in on one QEMU machine, as
# qemu/kunit-SCENARIO.conf describes it, and check the suite's KTAP and
# its answer (scripts/ktap-check.py).  There is no userspace: the suite
# runs from kernel_init and kunit_shutdown= ends the boot.
#
# usage: qemu-kunit.sh SCENARIO KERNEL_DIR
#   SCENARIO: a name (qemu/kunit-NAME.conf) or the path of a .conf;
#   KERNEL_DIR: the build directory scripts/kunit-kernel.sh wrote.
# Writes KERNEL_DIR/kunit-SCENARIO.log (the console) and .result
# (KEY=value: what the boot answered, for qemu-kunit-compare.sh).
# exit: 0 pass, 1 usage or missing kernel/tool, 2 fail, 124 QEMU did not
#       finish in TIMEOUT, 77 skipped (qemu cannot be installed)
set -u
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || die_usage "usage: $0 SCENARIO KERNEL_DIR"
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
conf=$1
[ -f "$conf" ] || conf=$top/qemu/kunit-$1.conf
[ -f "$conf" ] || die_usage "error: no scenario $1 (qemu/kunit-$1.conf)"
name=$(basename "$conf" .conf)
name=${name#kunit-}
[ -d "$2" ] || die_usage "error: no kernel build directory $2"
kdir=$(realpath "$2")

QEMU='' MACHINE='' CPU='' MEMORY='' KERNEL='' DTB='' APPEND='' TIMEOUT=120 SUITE='' CACHE='' ALIASING='' FRAGMENTS=''
# shellcheck source=/dev/null
. "$conf"
for key in QEMU MACHINE KERNEL APPEND SUITE CACHE ALIASING; do
	[ -n "${!key}" ] || die_usage "error: $conf: $key is not set"
done

if ! command -v "$QEMU" >/dev/null 2>&1 && ! "$here/deps.sh" "$QEMU" >&2; then
	echo "no $QEMU: the Debian package $QEMU could not be installed"
	exit "$SKIP"
fi
need_tools timeout python3 sha256sum

build_hint="scripts/kunit-kernel.sh TREE $kdir $FRAGMENTS"
for f in "$KERNEL" ${DTB:+"$DTB"}; do
	[ -f "$kdir/$f" ] || die_usage "error: no $kdir/$f; build the kernel: $build_hint"
done

cmd=("$QEMU" -M "$MACHINE")
[ -n "$CPU" ] && cmd+=(-cpu "$CPU")
[ -n "$MEMORY" ] && cmd+=(-m "$MEMORY")
cmd+=(-kernel "$kdir/$KERNEL")
[ -n "$DTB" ] && cmd+=(-dtb "$kdir/$DTB")
# -no-reboot: the suite's reboot ends QEMU instead of booting again.
# -nodefaults: only the devices named here (see qemu-run.sh).
cmd+=(-append "$APPEND" -nodefaults -display none -serial stdio -no-reboot)

log=$kdir/kunit-$name.log result=$kdir/kunit-$name.result
rm -f "$log" "$result"
repro="timeout $TIMEOUT $(printf '%q ' "${cmd[@]}")"
echo "qemu: $repro"
t0=$(date +%s%N)
PROGRESS_LABEL="qemu $name" run_logged "$log" timeout "$TIMEOUT" "${cmd[@]}"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
secs=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
progress "$name: QEMU exited with $rc after ${secs}s (console: $log)"

python3 "$here/ktap-check.py" "$log" --suite "$SUITE" --aliasing "$ALIASING" --cache "$CACHE" \
	--min-cases 3 --result "$result.tmp"
check=$?
if [ $check -le 2 ] && [ -f "$result.tmp" ]; then
	# What the two boots of one zImage are compared on: which image ran.
	{ cat "$result.tmp"; echo "KERNEL_SHA256=$(sha256sum <"$kdir/$KERNEL" | cut -d' ' -f1)"; echo "BOOT_SECONDS=$secs"; } >"$result"
fi
rm -f "$result.tmp"

fail() {
	echo "reproduce: $repro"
	echo "error: $name: $1 (console: $log)"
	exit "$2"
}
[ $rc -eq 124 ] && fail "QEMU did not exit within ${TIMEOUT}s" 124
[ $check -eq 1 ] && fail "ktap-check.py could not run" 1
[ $rc -ne 0 ] && { tail -n 5 "$log"; fail "QEMU exited with $rc" 2; }
[ $check -eq 0 ] || fail "the suite did not pass as expected" 2
echo "$name: $SUITE passed; cache_is_aliasing() = $ALIASING, as expected (${secs}s)"
