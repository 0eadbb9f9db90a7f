#!/bin/bash
# The point of the ARMv6+v7 and the MIPS Malta kernels: one image, two
# CPUs, two answers.  After qemu-kunit.sh (or qemu-run.sh, for a guest
# whose scenario names the KUnit suite) has booted KERNEL_DIR on both
# scenarios, check that both boots passed, that both ran the image that
# is in KERNEL_DIR now (not an older build's results), and that
# cache_is_aliasing() gave opposite answers: the decision was taken at
# run time.
#
# usage: qemu-kunit-compare.sh KERNEL_DIR SCENARIO_A SCENARIO_B
#   The image is KERNEL_DIR/arch/arm/boot/zImage, else KERNEL_DIR/vmlinux.
# exit: 0 opposite answers from one image, 1 usage, 2 anything else
set -u
. "$(dirname "$0")/lib.sh"
[ $# -eq 3 ] || die_usage "usage: $0 KERNEL_DIR SCENARIO_A SCENARIO_B"
kdir=$1
image=$kdir/arch/arm/boot/zImage
[ -f "$image" ] || image=$kdir/vmlinux
[ -f "$image" ] || die_usage "error: no $kdir/arch/arm/boot/zImage or $kdir/vmlinux"
kind=${image##*/}
now=$(sha256sum <"$image" | cut -d' ' -f1)
bad=0
answers=()
for s in "$2" "$3"; do
	r=$kdir/kunit-$s.result
	if [ ! -f "$r" ]; then
		echo "error: no $r: boot $s first (scripts/qemu-kunit.sh or scripts/qemu-run.sh)"
		bad=1
		continue
	fi
	CACHE='' ANSWER='' PASS='' KERNEL_SHA256=''
	# shellcheck source=/dev/null
	. "$r"
	echo "$s: kernel data cache \"$CACHE\", cache_is_aliasing() = $ANSWER, pass=$PASS, $kind ${KERNEL_SHA256:0:12}"
	[ "$PASS" = yes ] || { echo "error: the $s boot did not pass"; bad=1; }
	[ "$KERNEL_SHA256" = "$now" ] || { echo "error: the $s boot ran another $kind than $image"; bad=1; }
	answers+=("$ANSWER")
done
[ $bad -eq 0 ] || exit 2
case "${answers[0]} ${answers[1]}" in
"true false" | "false true") ;;
*) echo "error: both boots answered cache_is_aliasing() = ${answers[0]}: no run-time decision shown"; exit 2 ;;
esac
echo "one $kind (${now:0:12}), opposite answers: $2 ${answers[0]}, $3 ${answers[1]}"
