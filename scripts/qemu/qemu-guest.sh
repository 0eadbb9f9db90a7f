#!/bin/bash
# Build the QEMU guest's userspace: qemu/guest/dax-test.c as a static
# binary, packed as /init into an initramfs with /dev/console.
#
# usage: [KARCH=arm|mips] qemu-guest.sh TREE OUTDIR
#   TREE: a kernel tree, for its usr/gen_init_cpio.c, which writes device
#   nodes into the archive without needing root, and for the kselftest
#   harness dax-test is written on (tools/testing/selftests/
#   kselftest_harness.h and kselftest.h); OUTDIR gets dax-test
#   and initramfs.cpio.  KARCH as for qemu-kernel.sh: arm (default), a
#   static armhf binary; mips, a static mips64el (n64) binary.
# exit: 0 built, 1 usage or missing tool, 2 the build failed
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 2 ] || die_usage "usage: $0 TREE OUTDIR"
tree=$1 out=$2
src=$TOP/qemu/guest/dax-test.c
[ -f "$tree/usr/gen_init_cpio.c" ] || die_usage "error: $tree has no usr/gen_init_cpio.c"
[ -f "$tree/tools/testing/selftests/kselftest_harness.h" ] ||
	die_usage "error: $tree has no tools/testing/selftests/kselftest_harness.h"
# The Debian cross compiler and C library for the guest's ABI.
case ${KARCH:-arm} in
arm) triplet=arm-linux-gnueabihf abi=armhf ;;
mips) triplet=mips64el-linux-gnuabi64 abi=mips64el ;;
*) die_usage "error: KARCH must be arm or mips, not '$KARCH'" ;;
esac
"$SCRIPTS/lib/deps.sh" gcc libc6-dev "gcc-$triplet" "libc6-dev-$abi-cross" >&2 || exit 1
need_tools gcc "$triplet-gcc"
mkdir -p "$out"

progress "build dax-test (static $abi)"
# Static: the initramfs holds no libraries.  -Werror: a warning in a
# test program is a bug in the test.
# The kernel log's trouble words, the host's list (one C string a line).
sed -e '/^#/d' -e '/^$/d' -e 's/[\\"]/\\&/g' -e 's/.*/\t"&",/' \
	"$TOP/qemu/guest/kernel-trouble.txt" >"$out/kernel-trouble.h" || exit 2
"$triplet-gcc" -static -O2 -Wall -Wextra -Werror -I "$out" -I "$tree/tools/testing/selftests" -o "$out/dax-test" "$src" ||
	{ echo "error: dax-test.c does not build"; exit 2; }
gcc -O2 -o "$out/gen_init_cpio" "$tree/usr/gen_init_cpio.c" ||
	{ echo "error: gen_init_cpio does not build"; exit 2; }
# The kernel opens /dev/console for init before devtmpfs is mounted.
cat >"$out/initramfs.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /mnt 0755 0 0
file /init $(realpath "$out/dax-test") 0755 0 0
EOF
"$out/gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio" ||
	{ echo "error: gen_init_cpio failed"; exit 2; }
echo "initramfs: $out/initramfs.cpio"
