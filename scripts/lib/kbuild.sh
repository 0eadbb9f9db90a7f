# shellcheck shell=bash
# The one Kbuild library: every kernel configuration and build of the
# project goes through kconfigure and kmake.  Sourced after lib.sh,
# never run.

# The project's ccache, shared with the other build jobs.
export CCACHE_DIR=${CCACHE_DIR:-$TOP/build/ccache}

# cell_load JOB NAME: the columns of a cell of arch-matrix/cells.tsv
# (scripts/lib/cells.py, the one reader) as cell_arch, cell_cross, ...;
# returns 1, saying why, if JOB has no cell NAME.
cell_load() {
	local vars
	vars=$(python3 "$SCRIPTS/lib/cells.py" shell "$1" "$2") || return 1
	eval "$vars"
}

# cell_names JOB [--arch ARCH]: JOB's cells, in table order.
cell_names() {
	python3 "$SCRIPTS/lib/cells.py" names "$@"
}

# frag_paths a,b,c: the fragment files (fragment_path, lib.sh), one a line.
frag_paths() {
	local f
	for f in ${1//,/ }; do fragment_path "$f"; done
}

# kmake TREE OUT ARCH CROSS ARGS...: the kernel's make, the one way every
# script of the project calls Kbuild.  One policy: niced (other engineers
# build on this machine too), -j$JOBS (default: every core), the compiler
# and the host compiler through ccache (every build directory makes its
# own fixdep, conf, modpost and objtool), LLVM= as the kernel reads it.
# The kernel's helper scripts want Debian's python3 (ply), not pyenv's;
# LANG=C keeps compiler messages in ASCII, the same on every machine (the
# kernel's Makefile unexports LC_ALL, so LANG is what reaches gcc).
kmake() {
	local tree=$1 out=$2 arch=$3 cross=$4
	shift 4
	LANG=C LC_ALL=C PATH=/usr/bin:$PATH nice -n 10 make -C "$tree" O="$out" ARCH="$arch" \
		CROSS_COMPILE="$cross" ${LLVM:+LLVM=$LLVM} CC="ccache $(kernel_cc "$cross")" \
		HOSTCC="ccache gcc" V="${V:-0}" -j"${JOBS:-$(nproc)}" "$@"
}

# kconfigure TREE OUT ARCH CROSS BASECONFIG [FRAGMENT...] [-- FRAGMENT...]:
# the one way to configure a kernel.  make BASECONFIG (tinyconfig, a
# defconfig), every fragment merged in order, olddefconfig; then every
# symbol the fragments before "--" ask for is compared with the final
# .config (merge_config.sh only warns), and a dropped one is named with
# the "depends on" lines it is missing.  The fragments after "--" are
# merged but not checked (a random one, or the unpatched base, which
# keeps what its own Kconfig allows).
# Configuring is a third of a warm build: it is skipped when nothing it
# reads has changed since it last succeeded in OUT (OUT/kconfig.stamp:
# the arguments, the fragments, the compiler, LLVM, the tree's Kconfig
# files, configs and arch Makefiles); the check runs every time.
# Output: OUT/kconfigure.log.  Returns 0, or 2 saying why on its last line.
kconfigure() {
	local tree out arch=$3 cross=$4 base=$5 f stamp log
	tree=$(realpath "$1") out=$(realpath -m "$2")
	local checked=() merged=() seen_sep=
	shift 5
	for f in "$@"; do
		if [ "$f" = -- ]; then seen_sep=1; continue; fi
		[ -f "$f" ] || { echo "error: no fragment $f"; return 2; }
		merged+=("$(realpath "$f")")
		[ -n "$seen_sep" ] || checked+=("$(realpath "$f")")
	done
	mkdir -p "$out"
	log=$out/kconfigure.log
	stamp=$( {
		echo "$arch $cross ${LLVM:-} $base ${#checked[@]}"
		cat "${merged[@]}" </dev/null
		"$(kernel_cc "$cross")" --version
		cd "$tree" && find . -path './o-*' -prune -o \( -name 'Kconfig*' -o -path './arch/*/configs/*' \
			-o -path './kernel/configs/*' -o -path './arch/*/Makefile' \) -type f -print |
			LC_ALL=C sort | xargs cat
	} 2>&1 | sha1sum)
	if [ -f "$out/.config" ] && [ "$(cat "$out/kconfig.stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "configure: nothing it reads changed, .config kept ($base${merged:+ + ${merged[*]##*/}})"
	else
		rm -f "$out/kconfig.stamp"
		echo "configure: $base${merged:+ + ${merged[*]##*/}} (O=$out)"
		kmake "$tree" "$out" "$arch" "$cross" -s "$base" >"$log" 2>&1 ||
			{ tail -n 5 "$log"; echo "error: make $base failed (log: $log)"; return 2; }
		if [ ${#merged[@]} -gt 0 ]; then
			(cd "$out" && ARCH=$arch CROSS_COMPILE=$cross PATH=/usr/bin:$PATH \
				"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${merged[@]}") >>"$log" 2>&1 ||
				{ tail -n 5 "$log"; echo "error: merge_config.sh failed (log: $log)"; return 2; }
		fi
		# Its "override: ... changes choice state" notes are expected
		# where a fragment picks from a choice: they stay in the log.
		kmake "$tree" "$out" "$arch" "$cross" -s olddefconfig >>"$log" 2>&1 ||
			{ tail -n 5 "$log"; echo "error: make olddefconfig failed (log: $log)"; return 2; }
		echo "$stamp" >"$out/kconfig.stamp"
	fi
	[ ${#checked[@]} -eq 0 ] || kconfig_check "$tree" "$out" "${checked[@]}"
}

# kconfig_check TREE OUT FRAGMENT...: config-check.sh, and for each symbol
# it finds dropped, the "depends on" lines of its Kconfig entry with the
# values they read in this .config.
kconfig_check() {
	local tree=$1 out=$2 res sym why
	shift 2
	res=$("$SCRIPTS/lib/config-check.sh" "$out/.config" "$@") && { echo "$res"; return 0; }
	echo "$res"
	for sym in $(sed -n 's/^error: .* asks for CONFIG_\([A-Za-z0-9_]*\)=.*/\1/p' <<<"$res"); do
		why=$(kconfig_depends "$tree" "$sym")
		[ -n "$why" ] || continue
		echo "$why"
		echo "#   in this .config: $(kconfig_values "$out" "$(sed 's/.*depends on//' <<<"$why")")"
	done
	echo "error: the kernel configuration lost requested symbols (see above)"
	return 2
}

# kconfig_depends TREE SYMBOL: the "depends on" lines of SYMBOL's entry.
kconfig_depends() {
	local tree=$1 sym=$2 kc
	for kc in $(grep -rlx --include='Kconfig*' "config $sym" "$tree" 2>/dev/null); do
		awk -v s="config $sym" '$0 == s { on = 1; next }
			on && /^(config|menuconfig|endmenu|menu|choice|endchoice|if|endif|source) / { exit }
			on && /^[[:space:]]*depends on/ { sub(/^[[:space:]]*/, ""); print }' "$kc" |
			sed "s|^|#   ${kc#"$tree"/}: $sym |"
	done
}

# kconfig_values OUT TEXT: SYM=value for each symbol TEXT names.
kconfig_values() {
	local s
	for s in $(grep -o '[A-Z][A-Z0-9_]*' <<<"$2" | grep -vx 'CONFIG' | sort -u); do
		printf '%s=%s ' "$s" "$(kconfig_value "$1" "$s")"
	done
}

# kernel_cc CROSS: the C compiler the kernel's Makefile picks for
# CROSS_COMPILE=CROSS and the kernel's LLVM= (1, -SUFFIX such as -19, or
# a PREFIX/ directory), so that ccache can be put in front of the same one.
kernel_cc() {
	case ${LLVM:-} in
	"") echo "${1}gcc" ;;
	*/) echo "${LLVM}clang" ;;
	-*) echo "clang$LLVM" ;;
	*) echo clang ;;
	esac
}

# kconfig_value OUT SYM: y, m, n or the value of CONFIG_SYM in OUT/.config.
kconfig_value() {
	sed -n "s/^CONFIG_$2=//p" "$1/.config" | grep . || echo n
}
