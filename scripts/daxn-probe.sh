#!/bin/bash
# The CONFIG_DAX=n stubs, proved at compile time on x86_64 defconfig with
# DAX off (scripts/probe-daxn/):
#   daxn_stubs.o  set_dax_nocache() and set_dax_nomc() have DAX=n stubs,
#                 static inline ones (a DAX=n kernel has no such symbol);
#   daxn_alloc.o  the DAX=n alloc_dax(NULL, NULL) is a compile-time
#                 ERR_PTR(-EOPNOTSUPP).
# With expect-fail, TREE is the unpatched base, where each object must
# fail to build, for its own reason: a probe that cannot fail proves
# nothing.
#
# usage: daxn-probe.sh TREE OUTDIR [expect-fail]
# exit: 0 as expected, 1 usage or tool, 2 not as expected
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kbuild.sh"
usage="usage: $0 TREE OUTDIR [expect-fail]"
[ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$3" = expect-fail ]; } || die_usage "$usage"
here=$(cd "$(dirname "$0")" && pwd)
tree=$(realpath "$1") out=$2 mode=${3:-}
need_tools make gcc
mkdir -p "$out"
out=$(realpath "$out")

frag=$here/../configs/fragments/dax-off.config
progress "x86_64_defconfig + dax-off in $out"
kconfigure "$tree" "$out" x86 "" x86_64_defconfig "$frag" || exit 2
"$here/config-check.sh" "$out/.config" "$frag" || exit 2
run_logged "$out/prepare.log" kmake "$tree" "$out" x86 "" -s prepare ||
	{ tail -n 20 "$out/prepare.log"; echo "error: make prepare failed"; exit 2; }

# External objects are built in their own directory (6.1 has no MO=):
# build a copy, not the project's source.
rm -rf "$out/probe-daxn" && cp -r "$here/probe-daxn" "$out/probe-daxn"
build() {
	run_logged "$out/$1.log" kmake "$tree" "$out" x86 "" M="$out/probe-daxn" "$1.o"
}

# check OBJECT REASON...: on the base, OBJECT must fail, and its log must
# name every REASON (so that it fails for the claim, not by accident).
check_fails() {
	local obj=$1 r
	shift
	if build "$obj"; then
		echo "error: $obj.o built on the unpatched base: it cannot detect a missing stub"
		return 2
	fi
	for r in "$@"; do
		grep -qF -- "$r" "$out/$obj.log" ||
			{ grep -E 'error' "$out/$obj.log" | head -n 5; echo "error: $obj.o failed, but not for: $r (log: $out/$obj.log)"; return 2; }
	done
	echo "base: $obj.o fails as it must ($*)"
}

if [ "$mode" = expect-fail ]; then
	check_fails daxn_stubs "static declaration of 'set_dax_nocache' follows non-static declaration" \
		"static declaration of 'set_dax_nomc' follows non-static declaration" || exit 2
	check_fails daxn_alloc "is not ERR_PTR(-EOPNOTSUPP)" || exit 2
	echo "unpatched base: both DAX=n probes fail, each for its own reason"
	exit 0
fi

for obj in daxn_stubs daxn_alloc; do
	if ! build $obj; then
		grep -E 'error' "$out/$obj.log" | head -n 5
		echo "error: $obj.o: the DAX=n stubs are not what the series says (log: $out/$obj.log)"
		exit 2
	fi
done
echo "DAX=n: set_dax_nocache()/set_dax_nomc() are inline stubs; alloc_dax(NULL, NULL) is ERR_PTR(-EOPNOTSUPP)"
