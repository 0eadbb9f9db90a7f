#!/bin/bash
# The project's test suite: TAP lines, closing "N passed, N failed, N
# skipped"; exit 0 pass, 2 any failure.  Run through the Makefile
# (make test), which provides the environment below.
#
# usage: test.sh [GROUP...]   groups: fresh-root lint apply bad-input
#                             compile matrix daxn kunit kunit-qemu qemu
#                             qemu-mips randconfig maintainers
#                             (default: all, in that order), and bisect
#                             (default only with TEST_FULL=1)
set -u
. "$(dirname "$0")/lib/lib.sh"
: "${SRC:?}" "${PATCH_IDENTITY:?}" "${TREES:?}" "${KERNEL_BASE:?}" "${BUILD:?}" "${SERIES_NAME:?}" "${SERIES_VERSION:?}"
cd "$(dirname "$0")/.." || exit 1
S=scripts
P=${PATCHES:-patches}
OUT=${O:-${BASE_BUILD:-$BUILD}/out}
all_groups="fresh-root lint apply bad-input compile matrix daxn kunit kunit-qemu qemu qemu-mips randconfig maintainers"
# make test-full adds the walk over every prefix of the series.
[ -n "${TEST_FULL:-}" ] && all_groups="$all_groups bisect"
groups=${*:-$all_groups}

# Tests that look at the series applied use the git am tree: (re)make it
# unless it was made from the patches/ we have now and its HEAD is still
# the tree recorded then.  If that fails, the tests that need it fail and
# the apply tests say why.
ensure_applied() {
	[ "$(cat "$TREES/git-am.series" 2>/dev/null)" = "$(series_hash $P)" ] &&
		[ "$(git -C "$TREES/git-am" rev-parse -q --verify 'HEAD^{tree}' 2>/dev/null)" = "$(cat "$TREES/git-am.tree" 2>/dev/null)" ] ||
		$S/series/apply-series.sh $P "$SRC" "$TREES" git-am >/dev/null 2>&1
}

echo "TAP version 13"

# The tree's base: the pinned one, or another revision (make
# KERNEL_VERSION=...).  The tests that compare with the pinned base say
# which base they ran on.
tree_base=$(git -C "$SRC" rev-parse -q --verify 'base^{commit}')
tree_version=$(git -C "$SRC" log -1 --format=%s base 2>/dev/null)
if [ "$tree_base" = "$KERNEL_BASE" ]; then
	on_base=''
	tap_comment "kernel: $tree_version, the pinned base $KERNEL_BASE"
else
	on_base=" [run on ${tree_version:-?} base ${tree_base:0:12}, not the pinned ${KERNEL_PINNED:-} ${KERNEL_BASE:0:12}]"
	tap_comment "kernel: ${tree_version:-?}, base $tree_base: NOT the pinned ${KERNEL_PINNED:-} $KERNEL_BASE"
fi

for g in $groups; do
	tap_comment "group $g"
	case $g in
	fresh-root)
		# .ci/run's root (scripts/ci/fresh-root.sh) must be what a newcomer
		# has: a minimal system and the README's prerequisites, nothing
		# the project installs for itself, or CI would hide a missing
		# install step.  It kept its package list from before any target.
		tap_run "fresh-root check refuses a root with packages beyond the minimal set" \
			python3 $S/ci/fresh-root-check.py --self-test
		tap_run "README's set-up line names the prerequisites .ci/run installs" \
			python3 $S/ci/fresh-root-check.py --readme README.md .ci/prerequisites
		tap_run "apt waits for a lock another apt or dpkg holds, says so, and gives up in time" \
			$S/ci/apt-lock-check.sh
		if [ -n "${FRESH_ROOT_STATUS:-}" ]; then
			tap_run "the root was fresh before the project's targets ran" \
				python3 $S/ci/fresh-root-check.py "$FRESH_ROOT_STATUS" .ci/prerequisites
		else
			tap_run "the root was fresh before the project's targets ran" \
				sh -c "echo 'not in a fresh root: bash .ci/run makes one'; exit $SKIP"
		fi
		;;
	lint)
		# shellcheck disable=SC2154 # tap_n: the TAP counter of lib.sh
		lint_first=$((tap_n + 1))
		tap_run "shellcheck of the project's scripts" shellcheck -S warning $S/*.sh $S/*/*.sh .ci/run
		tap_run "python scripts compile" python3 -m py_compile $S/*/*.py
		tap_run "series file and patches/ agree" $S/series/series-check.sh $P
		tap_run "cover letter names the pinned base-commit$on_base" \
			$S/series/lint-patch.sh cover $P/0000-cover-letter.patch "$KERNEL_BASE"
		for f in $P/0000-cover-letter.patch $(series_patches $P | sed "s|^|$P/|"); do
			[ -f "$f" ] || continue
			b=${f##*/}
			tap_run "headers fit on one line: $b" $S/series/lint-patch.sh headers "$f"
			[ "$b" = 0000-cover-letter.patch ] && continue
			tap_run "signoff $b" $S/series/lint-patch.sh signoff "$f"
			tap_run "one arch per arch patch: $b" env SRC="$SRC" $S/series/lint-patch.sh scope "$f"
			tap_run "checkpatch --strict $b" $S/series/lint-patch.sh checkpatch "$SRC" "$f"
		done
		ensure_applied
		tap_run "MAINTAINERS.snippet is what the series adds" \
			$S/series/maintainers-check.sh snippet "$TREES/git-am"
		# Evidence may name files the series adds: check in the applied tree.
		tap_run "arch-matrix/cells.tsv: one schema, each cell has what its jobs read" \
			python3 $S/lib/cells.py check
		tap_run "arch matrix: one row per directory of arch/, evidence in the tree" \
			python3 $S/matrix/arch-matrix.py check "$TREES/git-am"
		tap_run "arch-matrix/README.md is generated from the data" \
			python3 $S/matrix/arch-matrix.py check-readme
		tap_run "committed arch matrix results are from patches/ (not stale)" \
			python3 $S/matrix/arch-matrix.py check-results
		tap_run "every non-zero bloat-o-meter delta is explained" \
			python3 $S/matrix/arch-matrix.py check-bloat
		tap_run "committed results: FS_DAX, FS_DAX_LIMITED, FUSE_DAX as on the base but where an arch opted in" \
			python3 $S/matrix/arch-matrix.py check-kconfig
		tap_run "arch-matrix/github-actions.yml is generated from cells.tsv" \
			python3 $S/matrix/arch-matrix.py check-workflow
		tap_run "cover letter carries the generated arch table" \
			python3 $S/matrix/arch-matrix.py check-cover $P/0000-cover-letter.patch
		# Every failure prints its command as its reproducer: the quoting
		# holds, and this group's commands, one of each, run as printed.
		tap_run "printed reproducers run as printed: tap_run quotes every word" \
			$S/lib/repro-check.sh --self-test
		tap_run "printed reproducers run as printed: one test per command of this group, rerun" \
			$S/lib/repro-check.sh "$TAP_LOGDIR/reproducers" "$lint_first"
		;;
	apply)
		for m in git-am b4 quilt; do
			tap_run "apply the series with $m$([ $m = b4 ] && echo "$on_base")" \
				$S/series/apply-series.sh $P "$SRC" "$TREES" $m
		done
		tap_run "git am, b4 am and quilt give identical trees$on_base" \
			$S/series/apply-series.sh $P "$SRC" "$TREES" compare
		tap_run "export of the imported series is byte-identical to patches/$on_base" \
			$S/series/roundtrip.sh $P "$SRC" "$TREES" "$SERIES_NAME" "$SERIES_VERSION"
		tap_run "re-signing for a sender replaces the identity everywhere" \
			$S/series/resign-check.sh "$SRC" "$TREES" "$PATCH_IDENTITY" "$SERIES_NAME" "$SERIES_VERSION"
		;;
	bad-input)
		for c in corrupt-git-am corrupt-quilt reordered unlisted missing not-base unknown-version other-version; do
			tap_run "bad input refused: $c" $S/series/test-bad-input.sh $c $P "$SRC" "$TREES"
		done
		;;
	compile)
		# Build the series as git am applied it, not the developer's tree.
		ensure_applied
		# ARCH=... (the kernel's variable) keeps the cells of one arch.
		for cell in $(python3 $S/lib/cells.py names compile ${ARCH:+--arch "$ARCH"}); do
			tap_run "compile $cell: probe + drivers/dax/" \
				$S/build/build-cell.sh -p compile "$cell" "$TREES/git-am" "$OUT/$cell"
		done
		# A cell must fail on the unpatched base, for the expected reason.
		base_worktree "$SRC" "$TREES/base" >/dev/null 2>&1
		if [ -z "${ARCH:-}" ] || [ "$ARCH" = x86 ]; then
			tap_run "the probe fails to build on the unpatched base (x86_64)" \
				$S/lib/must-fail.sh 'cache_aliasing\.h' $S/build/build-cell.sh -p compile x86_64 "$TREES/base" "$OUT/base-x86_64"
		fi
		if [ -z "${ARCH:-}" ] || [ "$ARCH" = arm ]; then
			tap_run "configs/armv7-lpae-fsdax.config loses FS_DAX on the unpatched base" \
				$S/lib/must-fail.sh 'asks for CONFIG_FS_DAX=y, .config has CONFIG_FS_DAX=n' \
				$S/build/build-cell.sh -p compile arm-v7-lpae-fsdax "$TREES/base" "$OUT/base-arm-fsdax"
		fi
		;;
	kunit)
		ensure_applied
		for a in um arm; do
			tap_run "kunit $a: the series' suite passes" \
				$S/qemu/kunit.sh "$TREES/git-am" "$OUT/kunit-$a" $a
		done
		base_worktree "$SRC" "$TREES/base" >/dev/null 2>&1
		tap_run "kunit um: the suite cannot run on the unpatched base" \
			$S/lib/must-fail.sh DAX_CACHE_ALIASING_KUNIT_TEST \
			$S/qemu/kunit.sh "$TREES/base" "$OUT/kunit-base" um "$TREES/git-am/drivers/dax/.kunitconfig"
		;;
	maintainers)
		ensure_applied
		# The arch patches: those that touch an arch/<arch>/ directory.
		for f in $(series_patches $P | sed "s|^|$P/|" | xargs grep -l '^+++ b/arch/[^/]*/'); do
			tap_run "get_maintainer names the arch list for ${f##*/}" \
				$S/series/maintainers-check.sh arch "$TREES/git-am" "$f"
		done
		;;
	kunit-qemu)
		# The suite built into small kernels booted in QEMU, without
		# kunit.py: one ARMv6+v7 zImage must answer true on raspi0
		# (ARM1176) and false on virt (Cortex-A15); ARMv5 answers true.
		# ARCH= limits the run like the compile cells: these are ARM kernels.
		if [ -n "${ARCH:-}" ] && [ "$ARCH" != arm ]; then
			tap_comment "kunit-qemu: ARM kernels only, nothing to do for ARCH=$ARCH"
			continue
		fi
		ensure_applied
		k67=$OUT/kunit-armv6v7 k5=$OUT/kunit-armv5 Z=arch/arm/boot/zImage
		tap_run "ktap.py, the console reader, refuses broken console logs" python3 $S/qemu/ktap_test.py
		tap_run "build the ARMv6+v7 KUnit kernel (tinyconfig + fragments, checked)" \
			$S/qemu/qemu-kernel.sh kunit-armv6v7 "$TREES/git-am" "$k67"
		for s in armv6v7-raspi0 armv6v7-virt; do
			tap_run "qemu $s: the suite passes with the expected answer" \
				$S/qemu/qemu-run.sh qemu/kunit-$s.conf "$k67/$Z" - "$k67.run-$s"
		done
		tap_run "one ARMv6+v7 zImage: opposite answers on raspi0 and virt" \
			$S/qemu/qemu-kunit-compare.sh "$k67/$Z" "$k67.run-armv6v7-raspi0" "$k67.run-armv6v7-virt"
		tap_run "build the ARMv5 KUnit kernel (tinyconfig + fragments, checked)" \
			$S/qemu/qemu-kernel.sh kunit-armv5 "$TREES/git-am" "$k5"
		tap_run "qemu armv5-versatilepb: the suite passes with the expected answer" \
			$S/qemu/qemu-run.sh qemu/kunit-armv5-versatilepb.conf "$k5/$Z" - "$k5.run-armv5-versatilepb"
		base_worktree "$SRC" "$TREES/base" >/dev/null 2>&1
		tap_run "the unpatched base: config check and QEMU boot both fail" \
			$S/qemu/qemu-kunit-unpatched.sh "$TREES/base" "$OUT/kunit-armv6v7-base" qemu/kunit-armv6v7-virt.conf
		;;
	qemu)
		# Filesystem DAX in an ARMv7 LPAE guest (QEMU virt, Cortex-A15)
		# with pmem carved out of RAM.  Each kernel is built from its
		# recipe (qemu/kernels/): the series as git am applied it, and
		# the same commit plus the test-only patches the recipe names, in
		# a worktree of its own.
		ensure_applied
		Q=$OUT/qemu Z=arch/arm/boot/zImage
		I=$Q/guest/initramfs.cpio
		tap_run "qemu: build the ARMv7 LPAE guest kernel (qemu/kernels/series.conf)" \
			$S/qemu/qemu-kernel.sh series "$TREES/git-am" "$Q/series"
		tap_run "qemu: build the no-DAX test kernel (series + qemu/test-only)" \
			$S/qemu/qemu-kernel.sh force-aliasing "$TREES/git-am" "$Q/force-aliasing"
		tap_run "qemu: build the outer-cache test kernel (series + qemu/test-only/outer-cache)" \
			$S/qemu/qemu-kernel.sh outer-cache "$TREES/git-am" "$Q/outer-cache"
		tap_run "qemu: build the guest's /init (qemu/guest/dax-test.c) and initramfs" \
			$S/qemu/qemu-guest.sh "$TREES/git-am" "$Q/guest"
		tap_run "qemu armv7 virt: filesystem DAX on pmem with ext4, ext2, xfs" \
			$S/qemu/qemu-run.sh qemu/armv7-virt-dax.conf "$Q/series/$Z" "$I" "$Q/run-dax"
		tap_run "qemu armv7 virt: xfs with reflink turns DAX off; fsx with clone and dedupe matches its model" \
			$S/qemu/qemu-run.sh qemu/armv7-virt-xfs-reflink.conf "$Q/series/$Z" "$I" "$Q/run-xfs-reflink"
		tap_run "qemu armv7 virt: pmem refuses DAX, block device and file systems carry on" \
			$S/qemu/qemu-run.sh qemu/armv7-virt-nodax.conf "$Q/force-aliasing/$Z" "$I" "$Q/run-nodax"
		tap_run "qemu armv7 virt: behind an outer cache, pmem offers no filesystem DAX, file systems carry on" \
			$S/qemu/qemu-run.sh qemu/armv7-virt-outer-cache.conf "$Q/outer-cache/$Z" "$I" "$Q/run-outer-cache"
		tap_run "qemu armv7 virt: DAX data outlives a warm reboot and a panic; the caches are written back over every pmem mapping first" \
			$S/qemu/qemu-run.sh qemu/armv7-virt-persist.conf "$Q/series/$Z" "$I" "$Q/run-persist"
		base_worktree "$SRC" "$TREES/base" >/dev/null 2>&1
		tap_run "qemu: the unpatched base cannot build the DAX guest (FS_DAX dropped)" \
			$S/lib/must-fail.sh 'asks for CONFIG_FS_DAX=y, .config has CONFIG_FS_DAX=n' \
			$S/qemu/qemu-kernel.sh series "$TREES/base" "$Q/base"
		;;
	qemu-mips)
		# The device path on a CPU whose data cache really aliases, and
		# the same kernel binary on one whose cache does not: a 64-bit
		# little-endian MIPS Malta kernel (qemu/kernels/mips-malta.conf:
		# the series plus only the test-only pmem DT nodes, since Malta
		# boots its built-in DTB) with the KUnit suite built in, booted
		# with -cpu MIPS64R2-generic (aliases) and -cpu 5KEc (no
		# aliases).  ARCH= limits the run like the compile cells.
		if [ -n "${ARCH:-}" ] && [ "$ARCH" != mips ]; then
			tap_comment "qemu-mips: MIPS kernels only, nothing to do for ARCH=$ARCH"
			continue
		fi
		ensure_applied
		M=$OUT/qemu-mips
		tap_run "qemu-mips: build the Malta kernel (series + qemu/test-only/mips-malta DT nodes)" \
			$S/qemu/qemu-kernel.sh mips-malta "$TREES/git-am" "$M/malta"
		tap_run "qemu-mips: build the guest's /init (static mips64el) and initramfs" \
			env KARCH=mips $S/qemu/qemu-guest.sh "$TREES/git-am" "$M/guest"
		tap_run "qemu mips64 malta MIPS64R2-generic (aliasing): KUnit says true; pmem without DAX, file systems carry on" \
			$S/qemu/qemu-run.sh qemu/mips64-malta-aliasing.conf "$M/malta/vmlinux" "$M/guest/initramfs.cpio" "$M/run-aliasing"
		tap_run "qemu mips64 malta 5KEc (no aliases): KUnit says false, alloc_dax() allows DAX; no FS_DAX (MIPS does not opt in)" \
			$S/qemu/qemu-run.sh qemu/mips64-malta-nonaliasing.conf "$M/malta/vmlinux" "$M/guest/initramfs.cpio" "$M/run-nonaliasing"
		tap_run "one Malta vmlinux: opposite answers on MIPS64R2-generic and 5KEc" \
			$S/qemu/qemu-kunit-compare.sh "$M/malta/vmlinux" "$M/run-aliasing" "$M/run-nonaliasing"
		base_worktree "$SRC" "$TREES/base" >/dev/null 2>&1
		tap_run "qemu-mips: the unpatched base cannot build the Malta guest (ARCH_HAS_CACHE_ALIASING_DYNAMIC dropped)" \
			$S/lib/must-fail.sh 'asks for CONFIG_ARCH_HAS_CACHE_ALIASING_DYNAMIC=y, .config has CONFIG_ARCH_HAS_CACHE_ALIASING_DYNAMIC=n' \
			$S/qemu/qemu-kernel.sh mips-malta "$TREES/base" "$M/base"
		;;
	matrix)
		# One cell per architecture (the matrix cells of arch-matrix/cells.tsv): the
		# series and the unpatched base built with the same config, W=1,
		# compared object by object with bloat-o-meter; results in
		# arch-matrix/results/ARCH.json, README regenerated from them.
		# ARCH= keeps one arch (like the compile group), ARCHES="a b"
		# several, SHARD=i/N every Nth cell, for a CI that splits the work.
		ensure_applied
		base_worktree "$SRC" "$TREES/base" >/dev/null 2>&1
		sel=(--arches "${ARCHES:-${ARCH:-}}" --shard "${SHARD:-1/1}")
		tap_run "matrix: ARCHES='${ARCHES:-${ARCH:-}}' SHARD=${SHARD:-1/1} name cells" \
			python3 $S/matrix/arch-matrix.py cells "${sel[@]}"
		cells=$(python3 $S/matrix/arch-matrix.py cells "${sel[@]}" 2>/dev/null)
		for a in $cells; do
			tap_run "matrix $a: series and base build alike (W=1), probe, bloat-o-meter" \
				python3 $S/matrix/matrix-cell.py "$a" "$TREES/git-am" "$TREES/base" "$OUT/matrix"
		done
		python3 $S/matrix/arch-matrix.py readme
		# A partial run (ARCH, ARCHES, SHARD) vouches for its own cells only.
		only=$cells
		[ -z "${ARCHES:-}${ARCH:-}${SHARD:-}" ] && only=
		# shellcheck disable=SC2086 # one argument per arch
		tap_run "matrix results are final and built from patches/ (not stale)" \
			python3 $S/matrix/arch-matrix.py check-results $only
		tap_run "every non-zero bloat-o-meter delta is explained" \
			python3 $S/matrix/arch-matrix.py check-bloat
		# shellcheck disable=SC2086 # one argument per arch
		tap_run "FS_DAX, FS_DAX_LIMITED, FUSE_DAX as on the base but where an arch opted in" \
			python3 $S/matrix/arch-matrix.py check-kconfig $only
		tap_run "arch-matrix/github-actions.yml is generated from cells.tsv" \
			python3 $S/matrix/arch-matrix.py check-workflow
		;;
	daxn)
		# The CONFIG_DAX=n stubs, on x86_64 defconfig with DAX off; and
		# the same probe must fail on the unpatched base.
		if [ -n "${ARCH:-}" ] && [ "$ARCH" != x86 ]; then
			tap_comment "daxn: an x86_64 build, nothing to do for ARCH=$ARCH"
			continue
		fi
		ensure_applied
		tap_run "DAX=n stubs: probe-daxn builds (x86_64, DAX off)" \
			$S/build/daxn-probe.sh "$TREES/git-am" "$OUT/daxn"
		base_worktree "$SRC" "$TREES/base" >/dev/null 2>&1
		tap_run "DAX=n stubs: probe-daxn fails on the unpatched base" \
			$S/build/daxn-probe.sh "$TREES/base" "$OUT/daxn-base" expect-fail
		;;
	randconfig)
		# RANDCONFIG_N random configurations per cell: 1 fits the CI
		# budget, make test-full runs 5.  The default seed follows
		# patches/: a failure replays until the series changes.
		if [ -n "${ARCH:-}" ] && [ "$ARCH" != x86 ] && [ "$ARCH" != arm ]; then
			tap_comment "randconfig: ARMv7 LPAE and x86_64 cells, nothing to do for ARCH=$ARCH"
			continue
		fi
		rn=${RANDCONFIG_N:-1} seed=${RANDCONFIG_SEED:-$(series_hash $P | cut -c1-8)}
		TAP_TIMEOUT=$((rn * ${TAP_TIMEOUT:-1800})) tap_run "randconfig-dax: $rn configuration(s) per cell, seed $seed" \
			$S/build/randconfig-dax.sh "$rn" "$seed" $P "$SRC" "${BASE_BUILD:-$BUILD}/randconfig"
		;;
	bisect)
		# Every prefix builds (a cold walk takes about an hour: make
		# test-full only, with a longer time limit), and the walk does
		# fail where it should.
		TAP_TIMEOUT=${BISECT_TIMEOUT:-10800} tap_run "bisect: every prefix of the series builds (4 configs x DAX on/off)" \
			$S/build/bisect.sh $P "$SRC" "${BASE_BUILD:-$BUILD}/bisect"
		for k in new-warning stub-removed fs-dax-lost; do
			tap_run "bisect fails at a bad patch: $k" \
				$S/build/bisect-selftest.sh $k $P "$SRC" "${BASE_BUILD:-$BUILD}/bisect"
		done
		;;
	*)
		echo "usage: $0 [GROUP...]: groups $all_groups bisect" >&2
		exit 1
		;;
	esac
done
tap_finish
