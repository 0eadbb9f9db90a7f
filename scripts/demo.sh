#!/bin/bash
# The main job: apply the series as a maintainer would, build the ARMv7
# LPAE kernel with FS_DAX, boot it in QEMU (virt, Cortex-A15) with three
# pmem devices, run the guest's DAX tests, and summarise what they saw.
set -u
. "$(dirname "$0")/lib.sh"
: "${SRC:?run through make demo}" "${TREES:?}" "${BUILD:?}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=${O:-$BUILD/out}
scenario=$top/qemu/armv7-virt-dax.conf

progress "applying patches/ with git am"
mkdir -p "$out"
PROGRESS_LABEL="git am" run_logged "$out/demo-apply.log" "$here/apply-series.sh" "$top/patches" "$SRC" "$TREES" git-am ||
	{ tail -n 5 "$out/demo-apply.log"; exit 2; }
progress "building the ARMv7 LPAE kernel (tinyconfig + configs/qemu-armv7-virt.config)"
"$here/qemu-kernel.sh" "$TREES/git-am" "$out/qemu/series" "$top/configs/qemu-armv7-virt.config" || exit 2
progress "building the guest's test program (static armhf) and its initramfs"
"$here/qemu-guest.sh" "$TREES/git-am" "$out/qemu/guest" || exit 2
progress "booting QEMU"
"$here/qemu-run.sh" "$scenario" "$out/qemu/series/arch/arm/boot/zImage" \
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
# One line per file system: what its checks said.
awk '
/^(not )?ok [0-9]+ [a-z0-9]+ on pmem[0-9]+: / {
	fs = ($1 == "ok") ? $3 : $4
	if (!(fs in seen)) { seen[fs] = 1; order[++n] = fs }
	if ($1 == "not") bad[fs]++; else good[fs]++
	if ($0 ~ /mount -o dax/) mnt[fs] = ($1 == "ok") ? "mounted with DAX" : "DAX mount FAILED"
	if ($0 ~ /STATX_ATTR_DAX/) stx[fs] = ($1 == "ok") ? "STATX_ATTR_DAX set" : "STATX_ATTR_DAX MISSING"
	if ($0 ~ /read back|intact|match the model/ && $0 !~ /# SKIP/) {
		dn[fs]++
		if ($1 == "not") dbad[fs]++
	}
}
/^# [a-z0-9]+: page cache growth/ {
	fs = substr($2, 1, length($2) - 1)
	match($0, /DAX [0-9]+ kB/); d = substr($0, RSTART + 4, RLENGTH - 4)
	match($0, /no DAX [0-9]+ kB/); nd = substr($0, RSTART + 7, RLENGTH - 7)
	pc[fs] = "page cache +" d " with DAX, +" nd " without"
}
END {
	for (i = 1; i <= n; i++) {
		fs = order[i]
		printf "%-5s %s, %s, %s, data %s (%d ok, %d failed)\n", fs, mnt[fs], stx[fs], pc[fs],
			(dn[fs] == 0 ? "NOT checked" : dbad[fs] ? "NOT verified" : "verified by " dn[fs] (dn[fs] == 1 ? " check" : " checks")),
			good[fs], bad[fs]
	}
}' "$ktap"
grep -E '^# ext4: arch_wb_cache_pmem\(\) calls' "$ktap" | sed 's/^# ext4: /msync: /'
grep -E '^# ext4: [0-9]+ DAX CoW faults called' "$ktap" | sed 's/^# ext4: /CoW:   /'
grep -E '^# ext4: running the rewritten program called' "$ktap" | sed 's/^# ext4: /exec:  /'
grep -E '^# dax-test: pass:' "$ktap" | sed 's/^# /result:      /'
exit $rc
