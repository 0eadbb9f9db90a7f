#!/bin/bash
# The one QEMU runner: boot a scenario (qemu/*.conf), print the exact
# qemu command, and check what the console shows (scripts/qemu/ktap.py).
# Two kinds of scenario:
#   GUEST=dax-test (the default): pmem carved out of RAM, the guest's
#   tests (qemu/guest/dax-test.c as /init) and their KTAP;
#   GUEST=none: no userspace, a KUnit suite built into the kernel runs
#   from kernel_init and kunit_shutdown= ends the boot; INITRD is "-".
# A scenario names its kernel's recipe (KERNEL=NAME, qemu/kernels/), whose
# FRAGMENTS the kernel's .config must hold before it boots.
#
# usage: qemu-run.sh SCENARIO KERNEL INITRD [OUTDIR]
#   SCENARIO: qemu/NAME.conf; KERNEL: the recipe's IMAGE as qemu-kernel.sh
#   built it; INITRD: the initramfs from qemu-guest.sh, or -; OUTDIR
#   (default O/qemu/NAME) gets the images, the DTB, console.log, ktap.txt
#   and, with a SUITE, kunit.result.  DAXTEST_SEED=N in the environment
#   replays a run's random choices.
#   When the scenario sets VIRTIOFS=TAG, virtiofsd (VIRTIOFSD in the
#   environment, default /usr/lib/qemu/virtiofsd) shares OUTDIR/virtiofs
#   with the guest as a vhost-user-fs-pci device with that tag.
#   When the scenario sets BOOTS=N (N > 1), the guest restarts itself
#   N-1 times in one QEMU run (a reboot or a panic, no -no-reboot): RAM
#   is then a file, OUTDIR/ram.img, that holds the pmem images from the
#   start (QEMU reloads -device loader images at every reset, but not
#   RAM), each boot prints its own KTAP, a panic the scenario allows
#   (ALLOW_PANIC) is not kernel trouble, with CHECK_WRITEBACK=yes the
#   console must show the write-back of every pmem mapping before each
#   reset (ktap.py wb-coverage), and the host checks the file systems
#   left in RAM at the end (e2fsck -fn, xfs_repair -n).
#   When the scenario names a KUnit SUITE built into the kernel, its
#   KTAP (before /init's, if any) and its answer are checked too, and
#   the result goes to OUTDIR/kunit.result for qemu-kunit-compare.sh.
# exit: 0 the guest's plan completed and every case passed, 1 usage (or
#       VIRTIOFS set and no virtiofsd), 2 a case failed or the plan did
#       not complete (or virtiofsd did not start), 77 no QEMU or mkfs
#       tools (skip), 124 QEMU hit the scenario's TIMEOUT
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -ge 3 ] && [ $# -le 4 ] || die_usage "usage: $0 SCENARIO KERNEL INITRD [OUTDIR]"
top=$TOP
conf=$1 kernel=$2 initrd=$3
name=$(basename "$conf" .conf)
out=${4:-${O:-$top/build/out}/qemu/$name}
for f in "$conf" "$kernel"; do
	[ -f "$f" ] || die_usage "error: no file $f"
done
[ "$initrd" = - ] || [ -f "$initrd" ] || die_usage "error: no file $initrd"
QEMU='' MACHINE='' CPU='' MEMORY='' KERNEL='' PMEM_BASE='' PMEM='' APPEND='' TIMEOUT='' GUEST=dax-test
# Optional, with the ARM virt defaults: where RAM starts in QEMU's
# physical map; the device tree ("qemu": QEMU's own DT plus generated
# pmem nodes, passed with -dtb; "builtin:PATH": the kernel's built-in
# DTB, PATH in its build directory, which must already hold the nodes;
# without a guest, "qemu" is QEMU's own as it is, and "file:PATH" a DTB
# of the kernel's build directory); more QEMU options (words); the KUnit suite to check, its
# expected answer and kernel cache words, and the cases that may skip on
# this architecture; the tag of a virtio-fs share (needs PCI: virt).
RAM_BASE=0x40000000 DT=qemu QEMU_OPTS='' SUITE='' CACHE='' ALIASING='' ALLOW_SKIP='' VIRTIOFS=''
BOOTS=1 ALLOW_PANIC='' CHECK_WRITEBACK=''
# INITRD_AT=ADDR: load the initramfs there (-device loader, and
# initrd=ADDR,SIZE on the command line) instead of with -initrd, which
# puts it 128 MiB into RAM: a kernel whose lowmem is smaller (a large
# vmalloc=) could not reach it.
INITRD_AT=''
# shellcheck source=/dev/null
. "$conf"
case $GUEST in
dax-test) required="QEMU MACHINE CPU MEMORY KERNEL PMEM_BASE PMEM APPEND TIMEOUT" ;;
none) required="QEMU MACHINE KERNEL APPEND TIMEOUT SUITE CACHE ALIASING" ;;
*) die_usage "error: $conf: GUEST must be dax-test or none, not '$GUEST'" ;;
esac
for v in $required; do
	[ -n "${!v}" ] || die_usage "error: $conf does not set $v"
done
[ "$GUEST" = none ] || [ "$initrd" != - ] || die_usage "error: $conf boots the guest: INITRD cannot be -"
[[ $BOOTS =~ ^[1-9][0-9]*$ ]] || die_usage "error: $conf: BOOTS must be a positive number, not '$BOOTS'"
# Both need the machine's memory backend: a file that keeps pmem, or a
# memfd that virtiofsd shares.
[ "$BOOTS" -eq 1 ] || [ -z "$VIRTIOFS" ] || die_usage "error: $conf: BOOTS > 1 and VIRTIOFS cannot be combined"

# Without QEMU or the mkfs tools this test cannot run here: a skip, with
# the reason, rather than a failure.
case $QEMU in
qemu-system-arm) qpkg=qemu-system-arm ;;
qemu-system-mips*) qpkg=qemu-system-mips ;;
*) die_usage "error: $conf: no Debian package known for QEMU=$QEMU" ;;
esac
pkgs=("$qpkg" python3) tools=("$QEMU" python3)
[ "$GUEST" = none ] || pkgs+=(device-tree-compiler e2fsprogs xfsprogs erofs-utils) tools+=(dtc mkfs.ext4 mkfs.ext2 mkfs.xfs mkfs.erofs)
if ! "$SCRIPTS/lib/deps.sh" "${pkgs[@]}" >&2; then
	echo "skip: cannot install ${pkgs[*]}"
	exit "$SKIP"
fi
for t in "${tools[@]}"; do
	command -v "$t" >/dev/null || { echo "skip: no $t on PATH"; exit "$SKIP"; }
done
# A scenario with a virtio-fs share fails, rather than skips, without
# virtiofsd: its other checks would pass and hide that this one never ran.
# (The guest skips its virtio-fs tests, with the reason, only when the
# scenario sets no VIRTIOFS.)
virtiofsd=${VIRTIOFSD:-/usr/lib/qemu/virtiofsd}
if [ -n "$VIRTIOFS" ]; then
	[[ $VIRTIOFS =~ ^[A-Za-z0-9_-]+$ ]] || die_usage "error: $conf: VIRTIOFS must be a tag of letters, digits, _ and -, not '$VIRTIOFS'"
	[ -n "${VIRTIOFSD:-}" ] || "$SCRIPTS/lib/deps.sh" qemu-system-common >&2
	[ -x "$virtiofsd" ] || die_usage "error: $conf sets VIRTIOFS=$VIRTIOFS, but there is no $virtiofsd (Debian: qemu-system-common; VIRTIOFSD= names another)"
fi
mkdir -p "$out"
out=$(realpath "$out")
kernel=$(realpath "$kernel")
[ "$initrd" = - ] || initrd=$(realpath "$initrd")

# The kernel is its recipe's IMAGE in its build directory, whose .config
# must have what the recipe's fragments ask for.
recipe=$(kernel_recipe "$KERNEL") || exit 1
IMAGE=$(conf_value "$recipe" IMAGE) FRAGMENTS=$(conf_value "$recipe" FRAGMENTS)
kdir=${kernel%/"$IMAGE"}
[ "$kdir" != "$kernel" ] || die_usage "error: $kernel is not the $IMAGE of a build directory (recipe $KERNEL)"
frags=()
for f in $FRAGMENTS; do frags+=("$top/$f"); done
if [ ${#frags[@]} -gt 0 ]; then
	[ -f "$kdir/.config" ] || { echo "error: no $kdir/.config: $kernel was not built by scripts/qemu/qemu-kernel.sh $KERNEL"; exit 2; }
	# KEEP_DROPPED=1 (as for qemu-kernel.sh) boots it anyway: only to
	# prove that a check fails on a kernel without what it checks.
	"$SCRIPTS/lib/config-check.sh" "$kdir/.config" "${frags[@]}" >&2 || [ "${KEEP_DROPPED:-0}" = 1 ] ||
		{ echo "error: $kernel was not built with $FRAGMENTS (scripts/qemu/qemu-kernel.sh $KERNEL)"; exit 2; }
fi

# The guest's random data, and the erofs files made here, follow it.
seed=${DAXTEST_SEED:-$(((RANDOM << 15) | RANDOM))}

# No guest: the kernel alone, with the device tree QEMU gives the
# machine or one from its build directory.
devs='' dtb=() loaders=() pmem_fs=() pmem_mib=() pmem_at=()
if [ "$GUEST" = none ]; then
	case $DT in
	qemu) ;;
	file:*)
		[ -f "$kdir/${DT#file:}" ] || die_usage "error: no $kdir/${DT#file:} (DT=$DT): build the kernel: scripts/qemu/qemu-kernel.sh $KERNEL TREE $kdir"
		dtb=(-dtb "$kdir/${DT#file:}")
		;;
	*) die_usage "error: $conf: without a guest, DT must be qemu or file:PATH, not '$DT'" ;;
	esac
else
	# The pmem images, loaded into RAM at their addresses by QEMU; with
	# DT=qemu, one "pmem-region" node each, and one no-map reservation that
	# keeps the kernel's hands off all of them (with DT=builtin the kernel
	# has the nodes, and the scenario's command line keeps it away).
	ram_end=$((RAM_BASE + (MEMORY << 20)))
	[ $((PMEM_BASE)) -ge $((RAM_BASE)) ] || die_usage "error: $conf: PMEM_BASE is below RAM ($RAM_BASE)"
	# pmem_fs, pmem_mib, pmem_at: each device's kind, size and address.
	addr=$((PMEM_BASE)) i=0 nodes=''

	for spec in $PMEM; do
		fs=${spec%%:*} mib=${spec#*:}
		case $fs in ext4 | ext2 | xfs | xfs+reflink | erofs | raw) ;; *) die_usage "error: $conf: unknown fs '$fs' in PMEM" ;; esac
		[[ $mib =~ ^[0-9]+$ ]] || die_usage "error: $conf: bad size in PMEM entry '$spec'"
		img=$out/pmem$i.img
		rm -f "$img"
		truncate -s "${mib}M" "$img"
		# 4096-byte blocks: DAX needs the block size to be the page size.
		case $fs in
		ext4 | ext2) "mkfs.$fs" -q -F -b 4096 "$img" ;;
		# No reflink: 6.1's DAX copy-on-write of shared extents lacks the
		# edge zeroing upstream added in v6.2 (see README, distro builders).
		xfs) mkfs.xfs -q -f -b size=4096 -m reflink=0 "$img" ;;
		# With reflink (xfsprogs' default), on which the series' limited DAX
		# mode must turn DAX off (qemu/armv7-virt-xfs-reflink.conf).
		xfs+reflink) mkfs.xfs -q -f -b size=4096 -m reflink=1 "$img" ;;
		# No file system: zeros (the persist guest's boot counter).
		raw) ;;
		# Read-only: the guest's files are written here, with its seed.
		# DAX maps whole blocks: no tail data inlined into the inode.
		erofs)
			rm -rf "$out/erofs$i" && python3 "$SCRIPTS/qemu/qemu-erofs-files.py" "$out/erofs$i" "$seed" &&
				rm -f "$img" && mkfs.erofs --quiet -E noinline_data --all-root -T 0 "$img" "$out/erofs$i" &&
				[ "$(stat -c %s "$img")" -le $((mib << 20)) ] && truncate -s "${mib}M" "$img"
			;;
		esac >"$out/mkfs.log" 2>&1 || { cat "$out/mkfs.log"; echo "error: mkfs.$fs $img failed (or is over ${mib} MiB)"; exit 2; }
		size=$((mib << 20))
		nodes+=$(printf '\tpmem@%x {\n\t\tcompatible = "pmem-region";\n\t\treg = <0x0 0x%x 0x0 0x%x>;\n\t};\n' \
			"$addr" "$addr" "$size")$'\n'
		loaders+=(-device "loader,file=$img,addr=$(printf '0x%x' "$addr"),force-raw=on")
		devs+=${devs:+,}pmem$i:$fs
		pmem_fs+=("$fs") pmem_mib+=("$mib") pmem_at+=("$addr")
		addr=$((addr + size)) i=$((i + 1))
	done
	[ "$i" -gt 0 ] || die_usage "error: $conf: PMEM lists no device"
	[ "$addr" -le "$ram_end" ] || die_usage "error: $conf: pmem ends at $(printf 0x%x "$addr"), past RAM (MEMORY=$MEMORY)"

	case $DT in
	qemu)
		# QEMU's own device tree for this machine, plus the pmem nodes.
		"$QEMU" -M "$MACHINE,dumpdtb=$out/virt.dtb" -cpu "$CPU" -m "$MEMORY" -nodefaults -display none \
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
		dtb=(-dtb "$out/pmem.dtb")
		;;
	builtin:*)
		# The kernel carries its DT (Malta): it must describe exactly the
		# regions the images are loaded to, or pmem would read other RAM.
		kdtb=$kdir/${DT#builtin:}
		[ -f "$kdtb" ] || { echo "error: no $kdtb (DT=$DT): was $kernel built with its test-only DT patch?"; exit 2; }
		need_tools fdtget
		addr=$((PMEM_BASE)) i=0
		for spec in $PMEM; do
			node=$(printf '/pmem@%x' "$addr") size=$((${spec#*:} << 20))
			# reg as one address and one size, whether in one or two cells each
			read -ra reg < <(fdtget -t x "$kdtb" "$node" reg 2>/dev/null)
			if [ ${#reg[@]} -eq 4 ]; then
				reg=($(((0x${reg[0]} << 32) | 0x${reg[1]})) $(((0x${reg[2]} << 32) | 0x${reg[3]})))
			elif [ ${#reg[@]} -eq 2 ]; then
				reg=($((0x${reg[0]})) $((0x${reg[1]})))
			fi
			if [ "$(fdtget "$kdtb" "$node" compatible 2>/dev/null)" != pmem-region ] ||
				[ "${reg[*]}" != "$addr $size" ]; then
				echo "error: $kdtb has no \"pmem-region\" node $node with reg <$(printf '0x%x 0x%x' "$addr" "$size")> for pmem$i ($spec): the scenario and the kernel's test-only DT patch disagree"
				exit 2
			fi
			addr=$((addr + size)) i=$((i + 1))
		done
		dtb=()
		;;
	*) die_usage "error: $conf: DT must be qemu or builtin:PATH, not '$DT'" ;;
	esac
fi

append="$APPEND DAXTEST_DEVS=$devs DAXTEST_SEED=$seed" initrd_opts=()
[ "$GUEST" = none ] && append=$APPEND
[ "$initrd" = - ] || initrd_opts=(-initrd "$initrd")
if [ -n "$INITRD_AT" ]; then
	initrd_opts=(-device "loader,file=$initrd,addr=$INITRD_AT,force-raw=on")
	append="initrd=$INITRD_AT,$(stat -c %s "$initrd") $append"
fi
read -ra opts <<<"$QEMU_OPTS"

# virtio-fs: virtiofsd serves OUTDIR/virtiofs on a vhost-user socket; the
# guest reads the file made here and writes its own.  vhost-user needs the
# guest's RAM shared with virtiofsd: a memfd backend.  As the machine's
# memory-backend it leaves the device tree as dumped above (-numa
# node,memdev= would add numa-node-id properties to it).  QEMU 7.2's
# vhost-user-fs-pci has no DAX window (no cache-size), so the guest's
# fs->dax_dev is NULL: dax=always must fail.  sandbox=chroot: the
# namespace sandbox needs more than a container's root may have.
vfs_pid=''
stop_virtiofsd() {
	[ -n "$vfs_pid" ] || return 0
	kill "$vfs_pid" 2>/dev/null
	wait "$vfs_pid" 2>/dev/null
	vfs_pid=''
	rm -rf "$(dirname "$sock")"
}
ram=''
# The RAM file of a scenario with several boots is as large as the
# guest's memory: it goes on every exit.
trap 'stop_virtiofsd; [ -z "$ram" ] || rm -f "$ram"' EXIT
if [ -n "$VIRTIOFS" ]; then
	# The socket in a short /tmp path: sun_path holds 107 bytes, and
	# OUTDIR may be deep in a CI checkout.
	share=$out/virtiofs sock=$(mktemp -d /tmp/virtiofsd.XXXXXX)/sock
	rm -rf "$share"
	mkdir -p "$share"
	# The text qemu/guest/dax-test.c expects (VFS_HOST_FILE, VFS_HOST_LINE,
	# VFS_HOST_LINES): several pages, known to both sides.
	for ((l = 1; l <= 1000; l++)); do printf 'virtio-fs host file line %d\n' "$l"; done >"$share/host.txt"
	vfs_cmd=("$virtiofsd" "--socket-path=$sock" -o "source=$share" -o sandbox=chroot)
	echo "virtiofsd: $(printf '%q ' "${vfs_cmd[@]}")"
	"${vfs_cmd[@]}" </dev/null >"$out/virtiofsd.log" 2>&1 &
	vfs_pid=$!
	for ((w = 0; w < 100; w++)); do
		[ -S "$sock" ] && break
		kill -0 "$vfs_pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! kill -0 "$vfs_pid" 2>/dev/null; then
		tail -n 5 "$out/virtiofsd.log"
		echo "error: $virtiofsd exited before QEMU could connect (log: $out/virtiofsd.log)"
		exit 2
	elif [ ! -S "$sock" ]; then
		tail -n 5 "$out/virtiofsd.log"
		echo "error: $virtiofsd made no socket $sock within 10s (log: $out/virtiofsd.log)"
		exit 2
	fi
	opts+=(-object "memory-backend-memfd,id=mem,size=${MEMORY}M,share=on" -machine memory-backend=mem
		-chardev "socket,id=vfs,path=$sock" -device "vhost-user-fs-pci,chardev=vfs,tag=$VIRTIOFS")
	append+=" DAXTEST_VIRTIOFS=$VIRTIOFS"
fi
# Several boots: the pmem images go into the RAM file at their place,
# where no reset reloads them, instead of through -device loader.
if [ "$BOOTS" -gt 1 ]; then
	ram=$out/ram.img
	rm -f "$ram"
	truncate -s "${MEMORY}M" "$ram"
	for i in "${!pmem_at[@]}"; do
		dd if="$out/pmem$i.img" of="$ram" bs=1M seek=$(((pmem_at[i] - RAM_BASE) >> 20)) conv=notrunc,sparse status=none ||
			{ echo "error: cannot write $out/pmem$i.img into $ram"; exit 2; }
	done
	loaders=()
	opts+=(-object "memory-backend-file,id=mem,size=${MEMORY}M,mem-path=$ram,share=on" -machine memory-backend=mem)
fi
# -nodefaults: the machine has only what is named here, so that no
# default device (virt's network card wants ipxe-qemu's option ROM, a
# package -no-install-recommends leaves out) decides whether it starts.
# -no-reboot: a reset ends QEMU, unless the scenario boots several times.
noreboot=(-no-reboot)
[ "$BOOTS" -eq 1 ] || noreboot=()
cmd=("$QEMU" -M "$MACHINE")
[ -z "$CPU" ] || cmd+=(-cpu "$CPU")
[ -z "$MEMORY" ] || cmd+=(-m "$MEMORY")
cmd+=(-nodefaults -display none -serial stdio "${noreboot[@]}" "${opts[@]}"
	-kernel "$kernel" "${initrd_opts[@]}" "${dtb[@]}" "${loaders[@]}" -append "$append")
repro="DAXTEST_SEED=$seed $0 $conf $2 $3 $out"
echo "qemu: $(printf '%q ' "${cmd[@]}")"
progress "boot $name (timeout ${TIMEOUT}s, seed $seed)"
t0=$(date +%s)
PROGRESS_LABEL="qemu $name" run_logged "$out/console.log" timeout "$TIMEOUT" "${cmd[@]}"
rc=$?
boot_secs=$(($(date +%s) - t0))
progress "qemu exited with $rc after ${boot_secs}s; console: $out/console.log"
stop_virtiofsd

# With a KUnit suite built in, the kernel's KTAP comes first, the guest's
# second; without a guest, the suite's check is the whole check.
panic_opt=()
[ -z "$ALLOW_PANIC" ] || panic_opt=(--allow-panic "$ALLOW_PANIC")
krc=0
rm -f "$out/ktap.txt" "$out/kunit.result"
: >"$out/ktap.log"
if [ "$GUEST" != none ]; then
	python3 "$SCRIPTS/qemu/ktap.py" guest --documents "$((BOOTS + (${#SUITE} > 0)))" "${panic_opt[@]}" \
		"$out/console.log" "$out/ktap.txt" >"$out/ktap.log"
	krc=$?
	cat "$out/ktap.log"
fi
if [ -n "$SUITE" ]; then
	# The suite's own check: its answer against the kernel's cache line.
	skips=()
	for c in $ALLOW_SKIP; do skips+=(--allow-skip "$c"); done
	result=$out/kunit.result
	python3 "$SCRIPTS/qemu/ktap.py" suite "$out/console.log" --suite "$SUITE" --aliasing "$ALIASING" \
		--cache "$CACHE" --min-cases 3 "${skips[@]}" --result "$result.tmp" >"$out/kunit.log"
	urc=$?
	cat "$out/kunit.log"
	if [ -f "$result.tmp" ]; then
		# What qemu-kunit-compare.sh compares boots of one kernel on.
		{ cat "$result.tmp"; echo "SCENARIO=$name"; echo "KERNEL_SHA256=$(sha256sum <"$kernel" | cut -d' ' -f1)"; echo "BOOT_SECONDS=$boot_secs"; } >"$result"
		rm -f "$result.tmp"
	fi
	[ $urc -eq 0 ] || [ $krc -ne 0 ] || krc=$urc
	[ $urc -eq 0 ] || echo "error: the KUnit suite $SUITE did not give the expected answer (log: $out/kunit.log)" >>"$out/ktap.log"
fi
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
if [ "$CHECK_WRITEBACK" = yes ] && ! python3 "$SCRIPTS/qemu/ktap.py" wb-coverage "$out/console.log"; then
	echo "reproduce: $repro"
	echo "error: the CPU caches were not written back over every pmem mapping before each reset (console: $out/console.log)"
	exit 2
fi
# What the last boot left in RAM: every file system is consistent.
if [ -n "$ram" ]; then
	bad=''
	for i in "${!pmem_at[@]}"; do
		fs=${pmem_fs[i]} img=$out/pmem$i.after.img
		dd if="$ram" of="$img" bs=1M skip=$(((pmem_at[i] - RAM_BASE) >> 20)) count="${pmem_mib[i]}" status=none
		case $fs in
		ext4 | ext2) e2fsck -fn "$img" ;;
		xfs | xfs+reflink) xfs_repair -n -f "$img" ;;
		*) true ;;
		esac >"$out/fsck$i.log" 2>&1 || bad+=" pmem$i:$fs ($out/fsck$i.log)"
		rm -f "$img"
	done
	rm -f "$ram"
	if [ -n "$bad" ]; then
		echo "reproduce: $repro"
		echo "error: the file systems left in RAM are not consistent:$bad"
		exit 2
	fi
	echo "$name: e2fsck -fn and xfs_repair -n find the file systems left in RAM consistent"
fi
# The guest's file (dax-test.c: guest-VFS_GUEST_SIZE) went through virtiofsd.
if [ -n "$VIRTIOFS" ] && [ "$(stat -c %s "$share/guest-1048577" 2>/dev/null)" != 1048577 ]; then
	echo "reproduce: $repro"
	echo "error: the guest's virtio-fs file $share/guest-1048577 is not on the host with 1048577 bytes"
	exit 2
fi
if [ "$GUEST" = none ]; then
	echo "$name: $SUITE passed; cache_is_aliasing() = $ALIASING, as expected (${boot_secs}s)"
else
	echo "$name: every case passed (KTAP: $out/ktap.txt)"
fi
