#!/bin/bash
# Boot a QEMU scenario (qemu/*.conf) with pmem carved out of RAM, run the
# guest's tests (qemu/guest/dax-test.c as /init) and check their KTAP.
#
# usage: qemu-run.sh SCENARIO KERNEL INITRD [OUTDIR]
#   SCENARIO: qemu/NAME.conf; KERNEL: a zImage from qemu-kernel.sh;
#   INITRD: the initramfs from qemu-guest.sh; OUTDIR (default
#   build/qemu/NAME) gets the images, the DTB, console.log and ktap.txt.
#   DAXTEST_SEED=N in the environment replays a run's random choices.
# exit: 0 the guest's plan completed and every case passed, 1 usage,
#       2 a case failed or the plan did not complete, 77 no QEMU or mkfs
#       tools (skip), 124 QEMU hit the scenario's TIMEOUT
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 3 ] && [ $# -le 4 ] || die_usage "usage: $0 SCENARIO KERNEL INITRD [OUTDIR]"
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
conf=$1 kernel=$2 initrd=$3
name=$(basename "$conf" .conf)
out=${4:-$top/build/qemu/$name}
for f in "$conf" "$kernel" "$initrd"; do
	[ -f "$f" ] || die_usage "error: no file $f"
done
QEMU='' MACHINE='' CPU='' MEMORY='' FRAGMENTS='' PMEM_BASE='' PMEM='' APPEND='' TIMEOUT=''
# shellcheck source=/dev/null
. "$conf"
for v in QEMU MACHINE CPU MEMORY PMEM_BASE PMEM APPEND TIMEOUT; do
	[ -n "${!v}" ] || die_usage "error: $conf does not set $v"
done

# Without QEMU or the mkfs tools this test cannot run here: a skip, with
# the reason, rather than a failure.
if ! "$here/deps.sh" qemu-system-arm device-tree-compiler e2fsprogs xfsprogs python3 >&2; then
	echo "skip: cannot install qemu-system-arm, device-tree-compiler, e2fsprogs, xfsprogs"
	exit "$SKIP"
fi
for t in "$QEMU" dtc mkfs.ext4 mkfs.ext2 mkfs.xfs python3; do
	command -v "$t" >/dev/null || { echo "skip: no $t on PATH"; exit "$SKIP"; }
done
mkdir -p "$out"
out=$(realpath "$out")
kernel=$(realpath "$kernel") initrd=$(realpath "$initrd")

# A zImage from qemu-kernel.sh sits in O=/arch/arm/boot/: check that its
# .config has what the scenario's fragments ask for.
kconfig=$(dirname "$kernel")/../../../.config
if [ -n "$FRAGMENTS" ] && [ -f "$kconfig" ]; then
	frags=()
	for f in $FRAGMENTS; do frags+=("$top/$f"); done
	"$here/config-check.sh" "$kconfig" "${frags[@]}" >&2 ||
		{ echo "error: $kernel was not built with $FRAGMENTS"; exit 2; }
fi

# The pmem images, loaded into RAM at their addresses by QEMU; one
# "pmem-region" node each, and one no-map reservation that keeps the
# kernel's hands off all of them.
ram_end=$((0x40000000 + (MEMORY << 20)))	# virt's RAM starts at 1 GiB
[ $((PMEM_BASE)) -ge $((0x40000000)) ] || die_usage "error: $conf: PMEM_BASE is below RAM (0x40000000)"
addr=$((PMEM_BASE)) i=0 devs='' nodes='' loaders=()
for spec in $PMEM; do
	fs=${spec%%:*} mib=${spec#*:}
	case $fs in ext4 | ext2 | xfs) ;; *) die_usage "error: $conf: unknown fs '$fs' in PMEM" ;; esac
	[[ $mib =~ ^[0-9]+$ ]] || die_usage "error: $conf: bad size in PMEM entry '$spec'"
	img=$out/pmem$i.img
	rm -f "$img"
	truncate -s "${mib}M" "$img"
	# 4096-byte blocks: DAX needs the block size to be the page size.
	case $fs in
	ext4 | ext2) "mkfs.$fs" -q -F -b 4096 "$img" ;;
	xfs) mkfs.xfs -q -f -b size=4096 "$img" ;;
	esac >"$out/mkfs.log" 2>&1 || { cat "$out/mkfs.log"; echo "error: mkfs.$fs $img failed"; exit 2; }
	size=$((mib << 20))
	nodes+=$(printf '\tpmem@%x {\n\t\tcompatible = "pmem-region";\n\t\treg = <0x0 0x%x 0x0 0x%x>;\n\t};\n' \
		"$addr" "$addr" "$size")$'\n'
	loaders+=(-device "loader,file=$img,addr=$(printf '0x%x' "$addr"),force-raw=on")
	devs+=${devs:+,}pmem$i:$fs
	addr=$((addr + size)) i=$((i + 1))
done
[ "$i" -gt 0 ] || die_usage "error: $conf: PMEM lists no device"
[ "$addr" -le "$ram_end" ] || die_usage "error: $conf: pmem ends at $(printf 0x%x "$addr"), past RAM (MEMORY=$MEMORY)"

# QEMU's own device tree for this machine, plus the pmem nodes.
"$QEMU" -M "$MACHINE,dumpdtb=$out/virt.dtb" -cpu "$CPU" -m "$MEMORY" -display none \
	>"$out/dumpdtb.log" 2>&1 || { cat "$out/dumpdtb.log"; echo "error: $QEMU dumpdtb failed"; exit 2; }
dtc -q -I dtb -O dts -o "$out/virt.dts" "$out/virt.dtb" ||
	{ echo "error: dtc cannot read QEMU's $out/virt.dtb"; exit 2; }
{
	cat "$out/virt.dts"
	printf '\n/ {\n\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n'
	printf '\t\tpmem@%x {\n\t\t\treg = <0x0 0x%x 0x0 0x%x>;\n\t\t\tno-map;\n\t\t};\n\t};\n' \
		$((PMEM_BASE)) $((PMEM_BASE)) $((addr - PMEM_BASE))
	printf '%s};\n' "$nodes"
} >"$out/pmem.dts" && dtc -q -I dts -O dtb -o "$out/pmem.dtb" "$out/pmem.dts" ||
	{ echo "error: cannot build the device tree $out/pmem.dts"; exit 2; }

seed=${DAXTEST_SEED:-$(((RANDOM << 15) | RANDOM))}
append="$APPEND DAXTEST_DEVS=$devs DAXTEST_SEED=$seed"
cmd=("$QEMU" -M "$MACHINE" -cpu "$CPU" -m "$MEMORY" -nographic -no-reboot
	-kernel "$kernel" -initrd "$initrd" -dtb "$out/pmem.dtb" "${loaders[@]}" -append "$append")
repro="DAXTEST_SEED=$seed $0 $conf $2 $3 $out"
echo "qemu: $(printf '%q ' "${cmd[@]}")"
progress "boot $name (timeout ${TIMEOUT}s, seed $seed)"
t0=$(date +%s)
timeout "$TIMEOUT" "${cmd[@]}" </dev/null >"$out/console.log" 2>&1
rc=$?
progress "qemu exited with $rc after $(($(date +%s) - t0))s; console: $out/console.log"

python3 "$here/qemu-ktap.py" "$out/console.log" "$out/ktap.txt" >"$out/ktap.log"
krc=$?
cat "$out/ktap.log"
if [ $rc -eq 124 ]; then
	echo "reproduce: $repro"
	echo "error: QEMU did not finish within ${TIMEOUT}s (console: $out/console.log)"
	exit 124
fi
if [ $krc -ne 0 ]; then
	echo "reproduce: $repro"
	tail -n 1 "$out/ktap.log"
	exit 2
fi
# A kernel panic also ends QEMU with 0 (panic=-1, -no-reboot); the
# KTAP check catches it on the console.  Anything else is QEMU's error.
if [ $rc -ne 0 ]; then
	echo "reproduce: $repro"
	echo "error: QEMU exited with $rc after a complete plan (console: $out/console.log)"
	exit 2
fi
echo "$name: every case passed (KTAP: $out/ktap.txt)"
