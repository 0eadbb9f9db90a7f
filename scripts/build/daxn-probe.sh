#!/bin/bash
# The CONFIG_DAX=n stubs, proved at compile time on x86_64 defconfig with
# DAX off (scripts/build/probe-daxn/):
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
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
usage="usage: $0 TREE OUTDIR [expect-fail]"
[ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$3" = expect-fail ]; } || die_usage "$usage"
tree=$(realpath "$1") out=$2 mode=${3:-}
need_tools make gcc
mkdir -p "$out"
out=$(realpath "$out")

frag=$TOP/configs/fragments/dax-off.config
progress "x86_64_defconfig + dax-off in $out"
kconfigure "$tree" "$out" x86 "" x86_64_defconfig "$frag" || exit 2
run_logged "$out/prepare.log" kmake "$tree" "$out" x86 "" -s prepare ||
	{ tail -n 20 "$out/prepare.log"; echo "error: make prepare failed"; exit 2; }

# External objects are built in their own directory (6.1 has no MO=):
# build a copy, not the project's source.
rm -rf "$out/probe-daxn" && cp -r "$SCRIPTS/build/probe-daxn" "$out/probe-daxn"
# build OBJECT: its compiler output in OUTDIR/OBJECT.log, shown if it fails.
build() {
	run_logged "$out/$1.log" kmake "$tree" "$out" x86 "" M="$out/probe-daxn" "$1.o" ||
		{ local rc=$?; cat "$out/$1.log"; return $rc; }
}

# check_fails OBJECT REASON...: on the base, OBJECT must fail to build
# (expect_failure, lib.sh), and its log must name every REASON, so that
# it fails for the claim, not by accident.
check_fails() {
	local obj=$1 r
	shift
	expect_failure "$out/$obj.fails.log" "$(printf '%s' "$1" | sed 's/[][\\.*^$()+?{}|]/\\&/g')" build "$obj" >/dev/null ||
		{ grep -E 'error' "$out/$obj.fails.log" | head -n 5; tail -n 1 "$out/$obj.fails.log"; return 2; }
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
