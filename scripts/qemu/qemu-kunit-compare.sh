#!/bin/bash
# The point of the ARMv6+v7 and the MIPS Malta kernels: one image, two
# CPUs, two answers.  After qemu-run.sh has booted IMAGE on both
# scenarios, each into its own output folder, check that both boots
# passed, that both ran the image that is there now (not an older
# build's), and that cache_is_aliasing() gave opposite answers: the
# decision was taken at run time.
#
# usage: qemu-kunit-compare.sh IMAGE RUN_A RUN_B
#   RUN_A, RUN_B: qemu-run.sh's OUTDIRs, each with its kunit.result.
# exit: 0 opposite answers from one image, 1 usage, 2 anything else
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 3 ] || die_usage "usage: $0 IMAGE RUN_A RUN_B"
image=$1
[ -f "$image" ] || die_usage "error: no kernel image $image"
kind=${image##*/}
now=$(sha256sum <"$image" | cut -d' ' -f1)
bad=0
answers=()
names=()
for run in "$2" "$3"; do
	r=$run/kunit.result
	if [ ! -f "$r" ]; then
		echo "error: no $r: boot the scenario into $run first (scripts/qemu/qemu-run.sh)"
		bad=1
		continue
	fi
	CACHE='' ANSWER='' PASS='' KERNEL_SHA256='' SCENARIO=''
	# shellcheck source=/dev/null
	. "$r"
	s=${SCENARIO:-$run}
	names+=("$s")
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
echo "one $kind (${now:0:12}), opposite answers: ${names[0]} ${answers[0]}, ${names[1]} ${answers[1]}"
