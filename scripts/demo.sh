#!/bin/bash
# The main job: apply the series as a maintainer would, build the ARMv7
# LPAE kernel with FS_DAX, boot it in QEMU (virt, Cortex-A15) with three
# pmem devices, run the guest's DAX tests, and summarise what they saw.
set -u
. "$(dirname "$0")/lib/lib.sh"
: "${SRC:?run through make demo}" "${TREES:?}" "${BUILD:?}"
top=$TOP
out=${O:-${BASE_BUILD:-$BUILD}/out}
scenario=$top/qemu/armv7-virt-dax.conf

progress "applying patches/ with git am"
mkdir -p "$out"
PROGRESS_LABEL="git am" run_logged "$out/demo-apply.log" "$SCRIPTS/series/apply-series.sh" "$top/${PATCHES:-patches}" "$SRC" "$TREES" git-am ||
	{ tail -n 5 "$out/demo-apply.log"; exit 2; }
progress "building the ARMv7 LPAE kernel (qemu/kernels/series.conf: tinyconfig + configs/qemu-armv7-virt.config)"
"$SCRIPTS/qemu/qemu-kernel.sh" series "$TREES/git-am" "$out/qemu/series" || exit 2
progress "building the guest's test program (static armhf) and its initramfs"
"$SCRIPTS/qemu/qemu-guest.sh" "$TREES/git-am" "$out/qemu/guest" || exit 2
progress "booting QEMU"
"$SCRIPTS/qemu/qemu-run.sh" "$scenario" "$out/qemu/series/arch/arm/boot/zImage" \
	"$out/qemu/guest/initramfs.cpio" "$out/qemu/demo"
rc=$?
ktap=$out/qemu/demo/ktap.txt
[ -f "$ktap" ] || { echo "error: the guest printed no KTAP (log: $out/qemu/demo/console.log)"; exit 2; }

# The summary is read from the guest's own KTAP output, not written here.
cfg() { sed -n "s/^CONFIG_$1=//p" "$out/qemu/series/.config" | grep . || echo n; }
echo
echo "== demo summary =="
echo "kernel:      $(git -C "$TREES/git-am" rev-list --count base..HEAD) patches on base $(git -C "$SRC" rev-parse --short=12 base); FS_DAX=$(cfg FS_DAX) FS_DAX_LIMITED=$(cfg FS_DAX_LIMITED) ARM_LPAE=$(cfg ARM_LPAE)"
echo "guest:       qemu-system-arm -M virt -cpu cortex-a15, pmem from the device tree"
# One line per file system, what its checks said; the guest's notes.
python3 "$SCRIPTS/qemu/ktap.py" summary "$ktap"
exit $rc
