#!/bin/bash
# The QEMU DAX guest must not be buildable from a tree without the series'
# ARMv7 enablement: qemu-kernel.sh has to stop at its configuration check
# and name the dropped symbol.  Otherwise the DAX scenario could boot a
# kernel without filesystem DAX and prove nothing.
#
# usage: qemu-config-refused.sh TREE OUTDIR SYMBOL FRAGMENT...
#   TREE: e.g. the unpatched base; SYMBOL: what must be reported as
#   dropped (FS_DAX).
# exit: 0 refused as expected, 1 usage or missing tool, 2 it was not
#       refused, or for another reason
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 4 ] || die_usage "usage: $0 TREE OUTDIR SYMBOL FRAGMENT..."
here=$(cd "$(dirname "$0")" && pwd)
tree=$1 out=$2 sym=$3
shift 3
mkdir -p "$(dirname "$out")"
expect_failure "$out.refused.log" "asks for CONFIG_$sym=y, .config has CONFIG_$sym=n" \
	"$here/qemu-kernel.sh" "$tree" "$out" "$@" || exit
echo "refused as expected: CONFIG_$sym cannot be enabled in $tree"
