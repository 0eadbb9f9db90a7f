#!/bin/bash
# The QEMU DAX guest must not be buildable from a tree without the series'
# ARMv7 enablement: qemu-kernel.sh has to stop at its configuration check
# and name the dropped symbol.  Otherwise the DAX scenario could boot a
# kernel without filesystem DAX and prove nothing.
#
# usage: qemu-config-refused.sh TREE OUTDIR SYMBOL FRAGMENT...
#   TREE: e.g. the unpatched base; SYMBOL: what must be reported as
#   dropped (FS_DAX).
# exit: 0 refused as expected, 1 usage, 2 it was not refused, or for
#       another reason
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 4 ] || die_usage "usage: $0 TREE OUTDIR SYMBOL FRAGMENT..."
here=$(cd "$(dirname "$0")" && pwd)
tree=$1 out=$2 sym=$3
shift 3
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$here/qemu-kernel.sh" "$tree" "$out" "$@" >"$log" 2>&1
rc=$?
cat "$log"
case $rc in
0)
	echo "error: $tree built the DAX guest kernel: the check cannot detect a tree without FS_DAX"
	exit 2
	;;
2) ;;
*)
	echo "error: qemu-kernel.sh failed with $rc, not with a configuration error"
	exit 2
	;;
esac
grep -q "asks for CONFIG_$sym=y, .config has CONFIG_$sym=n" "$log" ||
	{ echo "error: the build failed, but not because CONFIG_$sym was dropped"; exit 2; }
echo "refused as expected: CONFIG_$sym cannot be enabled in $tree"
