#!/bin/bash
# Find the largest pmem region that a 32-bit ARM kernel attaches with
# DAX, for one vmalloc= setting: pmem's permanent kernel mapping lives in
# the vmalloc area.  Each try is qemu/armv7-virt-persist.conf with one
# ext4 region of N MiB and one boot that writes through DAX and reboots
# (so the restart write-back covers it too); the search halves [LO, HI].
# At the first size that fails it shows what the kernel said, and what
# became of the device (absent, or there without DAX).
#
# usage: qemu-pmem-limit.sh KERNEL INITRD VMALLOC OUTDIR [LO HI]
#   KERNEL, INITRD: as for qemu-run.sh; VMALLOC: a vmalloc= value
#   (e.g. 512M) or "default"; OUTDIR: the tries go to OUTDIR/N/, the
#   answer to OUTDIR/limit.txt; LO..HI in MiB (default 16..1024).
# exit: 0 found, 1 usage, 2 even LO fails, 77 no QEMU (skip)
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 4 ] || [ $# -eq 6 ] || die_usage "usage: $0 KERNEL INITRD VMALLOC OUTDIR [LO HI]"
top=$TOP
kernel=$1 initrd=$2 vmalloc=$3 out=$4 lo=${5:-16} hi=${6:-1024}
[[ $vmalloc =~ ^([0-9]+[KMG]|default)$ ]] || die_usage "error: VMALLOC must be like 512M, or default"
[[ $lo =~ ^[0-9]+$ && $hi =~ ^[0-9]+$ ]] && [ "$lo" -le "$hi" ] || die_usage "error: LO and HI: MiB, LO <= HI"
mkdir -p "$out"
out=$(realpath "$out")

# try N: 0 if a region of N MiB attaches with DAX and keeps its data.
try() {
	local n=$1 conf=$out/$1.conf
	# 1 GiB of RAM below PMEM_BASE, more than any lowmem: the vmalloc
	# area is then what vmalloc= (or its default, 240 MiB) leaves it,
	# whatever the board's RAM.  The initramfs 24 MiB into RAM, in the
	# 32 MiB of lowmem that the largest vmalloc= leaves.
	sed -e "s|^MEMORY=.*|MEMORY=$((1024 + n + 1 + 16))|" \
		-e 's|^PMEM_BASE=.*|PMEM_BASE=0x80000000\nINITRD_AT=0x41800000|' \
		-e "s|^PMEM=.*|PMEM=\"ext4:$n raw:1\"|" -e 's|^BOOTS=.*|BOOTS=2|' \
		-e "s|^ALLOW_PANIC=.*|ALLOW_PANIC=''|" \
		-e "s|vmalloc=[^ ]* |$([ "$vmalloc" = default ] || echo "vmalloc=$vmalloc ")|" \
		-e 's|DAXTEST_PERSIST_ENDS=[^ "]*|DAXTEST_PERSIST_ENDS=reboot|' \
		"$top/qemu/armv7-virt-persist.conf" >"$conf"
	local rc
	progress "vmalloc=$vmalloc: try $n MiB"
	"$SCRIPTS/qemu/qemu-run.sh" "$conf" "$kernel" "$initrd" "$out/$n" >"$out/$n.log" 2>&1
	rc=$?
	# The images are as large as the region: keep only the logs.
	rm -f "$out/$n"/pmem*.img
	return $rc
}

progress "vmalloc=$vmalloc: the largest pmem region with DAX in [$lo, $hi] MiB"
try "$lo"
rc=$?
[ $rc -eq "$SKIP" ] && { tail -n 1 "$out/$lo.log"; exit "$SKIP"; }
if [ $rc -ne 0 ]; then
	tail -n 3 "$out/$lo.log"
	echo "error: vmalloc=$vmalloc: even $lo MiB fails (log: $out/$lo.log)"
	exit 2
fi
good=$lo bad=$((hi + 1))
while [ $((bad - good)) -gt 1 ]; do
	mid=$(((good + bad) / 2))
	if try "$mid"; then good=$mid; else bad=$mid; fi
	progress "vmalloc=$vmalloc: $mid MiB $([ "$good" = "$mid" ] && echo attaches || echo fails)"
done
{
	echo "vmalloc=$vmalloc: the largest pmem region with DAX: $good MiB"
	if [ "$bad" -le "$hi" ]; then
		echo "vmalloc=$vmalloc: at $bad MiB the kernel said:"
		grep -E 'vmap allocation|vmalloc|nd_pmem|pmem0|memremap' "$out/$bad/console.log" |
			grep -v 'command line' | head -n 8 | sed 's/^/  /'
		echo "vmalloc=$vmalloc: and the guest found:"
		grep -E '^(not ok|Bail out)' "$out/$bad/ktap.txt" | head -n 3 | sed 's/^/  /'
	else
		echo "vmalloc=$vmalloc: $hi MiB, the top of the range, still attaches"
	fi
} | tee "$out/limit.txt"
