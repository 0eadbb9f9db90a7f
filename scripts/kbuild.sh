# shellcheck shell=bash
# Kernel build helpers shared by bisect, randconfig and the DAX=n probe:
# sourced after lib.sh, never run.

kbuild_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The project's ccache, shared with the other build jobs.
export CCACHE_DIR=${CCACHE_DIR:-$kbuild_top/build/ccache}

# cell_row TABLE NAME: the tab-separated row of cell NAME; the table has
# a header line and may have comment lines starting with #.
cell_row() {
	awk -F'\t' -v c="$2" '/^#/ || !h++ { next } $1 == c' "$1"
}

# cell_names TABLE: every cell, in table order.
cell_names() {
	awk -F'\t' '/^#/ || !h++ { next } { print $1 }' "$1"
}

# frag_paths a,b,c: the fragment files, one a line.
frag_paths() {
	local f
	for f in ${1//,/ }; do echo "$kbuild_top/configs/fragments/$f.config"; done
}

# kmake TREE OUT ARCH CROSS ARGS...: the kernel's make, niced (other
# engineers build on this machine too), through ccache, -j$JOBS (2).
# The kernel's helper scripts want Debian's python3 (ply), not pyenv's;
# LANG=C keeps compiler messages in ASCII, the same on every machine (the
# kernel's Makefile unexports LC_ALL, so LANG is what reaches gcc).
kmake() {
	local tree=$1 out=$2 arch=$3 cross=$4 cc
	shift 4
	cc=${cross}gcc
	[ "${LLVM:-}" = 1 ] && cc=clang
	LANG=C LC_ALL=C PATH=/usr/bin:$PATH nice -n 10 make -C "$tree" O="$out" ARCH="$arch" \
		CROSS_COMPILE="$cross" ${LLVM:+LLVM=$LLVM} CC="$(command -v ccache) $cc" \
		-j"${JOBS:-2}" "$@"
}

# kconfigure TREE OUT ARCH CROSS DEFCONFIG FRAGMENT...: DEFCONFIG, the
# fragments merged in order, then olddefconfig.  Whether the requests
# landed is for config-check.sh to say.
kconfigure() {
	local tree=$1 out=$2 arch=$3 cross=$4 defconfig=$5
	shift 5
	mkdir -p "$out"
	kmake "$tree" "$out" "$arch" "$cross" -s "$defconfig" >/dev/null ||
		{ echo "error: make $defconfig failed"; return 2; }
	if [ $# -gt 0 ]; then
		(cd "$out" && ARCH=$arch CROSS_COMPILE=$cross PATH=/usr/bin:$PATH \
			"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$@") >/dev/null ||
			{ echo "error: merge_config.sh failed"; return 2; }
	fi
	kmake "$tree" "$out" "$arch" "$cross" -s olddefconfig >/dev/null ||
		{ echo "error: make olddefconfig failed"; return 2; }
}

# kconfig_value OUT SYM: y, m, n or the value of CONFIG_SYM in OUT/.config.
kconfig_value() {
	sed -n "s/^CONFIG_$2=//p" "$1/.config" | grep . || echo n
}
