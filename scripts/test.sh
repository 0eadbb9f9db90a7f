#!/bin/bash
# The project's test suite: TAP lines, closing "N passed, N failed, N
# skipped"; exit 0 pass, 2 any failure.  Run through the Makefile
# (make test), which provides the environment below.
#
# usage: test.sh [GROUP...]   groups: lint apply bad-input compile kunit maintainers
#                             (default: all, in that order)
set -u
. "$(dirname "$0")/lib.sh"
: "${SRC:?}" "${PATCH_IDENTITY:?}" "${TREES:?}" "${KERNEL_BASE:?}" "${BUILD:?}" "${SERIES_NAME:?}" "${SERIES_VERSION:?}"
cd "$(dirname "$0")/.." || exit 1
S=scripts
P=patches
OUT=${O:-$BUILD/out}
groups=${*:-lint apply bad-input compile kunit maintainers}

# Tests that look at the series applied use the git am tree: (re)make it
# unless it was made from the patches/ we have now.  If that fails, the
# tests that need it fail and the apply tests say why.
ensure_applied() {
	[ "$(cat "$TREES/git-am.series" 2>/dev/null)" = "$(series_hash $P)" ] ||
		$S/apply-series.sh $P "$SRC" "$TREES" git-am >/dev/null 2>&1
}

echo "TAP version 13"

for g in $groups; do
	tap_comment "group $g"
	case $g in
	lint)
		tap_run "shellcheck of the project's scripts" "shellcheck -S warning scripts/*.sh .ci/run" \
			shellcheck -S warning $S/*.sh .ci/run
		tap_run "python scripts compile" "python3 -m py_compile $S/*.py" \
			python3 -m py_compile $S/*.py
		tap_run "series file and patches/ agree" "$S/series-check.sh $P" \
			$S/series-check.sh $P
		tap_run "cover letter names the pinned base-commit" "$S/lint-patch.sh cover $P/0000-cover-letter.patch $KERNEL_BASE" \
			$S/lint-patch.sh cover $P/0000-cover-letter.patch "$KERNEL_BASE"
		for f in $P/0000-cover-letter.patch $(series_patches $P | sed "s|^|$P/|"); do
			[ -f "$f" ] || continue
			b=${f##*/}
			tap_run "headers fit on one line: $b" "$S/lint-patch.sh headers $f" $S/lint-patch.sh headers "$f"
			[ "$b" = 0000-cover-letter.patch ] && continue
			tap_run "signoff $b" "$S/lint-patch.sh signoff $f" $S/lint-patch.sh signoff "$f"
			tap_run "one arch per arch patch: $b" "SRC=$SRC $S/lint-patch.sh scope $f" $S/lint-patch.sh scope "$f"
			tap_run "checkpatch --strict $b" "$S/lint-patch.sh checkpatch $SRC $f" \
				$S/lint-patch.sh checkpatch "$SRC" "$f"
		done
		ensure_applied
		tap_run "MAINTAINERS.snippet is what the series adds" "$S/maintainers-check.sh snippet $TREES/git-am" \
			$S/maintainers-check.sh snippet "$TREES/git-am"
		# Evidence may name files the series adds: check in the applied tree.
		tap_run "arch matrix: one row per directory of arch/, evidence in the tree" "$S/arch-matrix.py check $TREES/git-am" \
			python3 $S/arch-matrix.py check "$TREES/git-am"
		tap_run "arch-matrix/README.md is generated from the data" "$S/arch-matrix.py check-readme" \
			python3 $S/arch-matrix.py check-readme
		tap_run "cover letter carries the generated arch table" "$S/arch-matrix.py check-cover $P/0000-cover-letter.patch" \
			python3 $S/arch-matrix.py check-cover $P/0000-cover-letter.patch
		;;
	apply)
		for m in git-am b4 quilt; do
			tap_run "apply the series with $m" "$S/apply-series.sh $P $SRC $TREES $m" \
				$S/apply-series.sh $P "$SRC" "$TREES" $m
		done
		tap_run "git am, b4 am and quilt give identical trees" "$S/apply-series.sh $P $SRC $TREES compare" \
			$S/apply-series.sh $P "$SRC" "$TREES" compare
		tap_run "export of the imported series is byte-identical to patches/" "$S/roundtrip.sh $P $SRC $TREES $SERIES_NAME $SERIES_VERSION" \
			$S/roundtrip.sh $P "$SRC" "$TREES" "$SERIES_NAME" "$SERIES_VERSION"
		tap_run "re-signing for a sender replaces the identity everywhere" "$S/resign-check.sh $SRC '$PATCH_IDENTITY' $SERIES_NAME $SERIES_VERSION" \
			$S/resign-check.sh "$SRC" "$PATCH_IDENTITY" "$SERIES_NAME" "$SERIES_VERSION"
		;;
	bad-input)
		for c in corrupt-git-am corrupt-quilt reordered unlisted missing not-base unknown-version; do
			tap_run "bad input refused: $c" "$S/test-bad-input.sh $c $P $SRC $TREES" \
				$S/test-bad-input.sh $c $P "$SRC" "$TREES"
		done
		;;
	compile)
		# Build the series as git am applied it, not the developer's tree.
		ensure_applied
		# ARCH=... (the kernel's variable) keeps the cells of one arch.
		for cell in $(awk -F'\t' -v a="${ARCH:-}" 'NR > 1 && (a == "" || $2 == a) { print $1 }' arch-matrix/probe-cells.tsv); do
			tap_run "compile $cell: probe + drivers/dax/" "$S/compile-cell.sh $cell $TREES/git-am $OUT/$cell" \
				$S/compile-cell.sh "$cell" "$TREES/git-am" "$OUT/$cell"
		done
		if [ -z "${ARCH:-}" ] || [ "$ARCH" = x86 ]; then
			tap_run "the probe fails to build on the unpatched base (x86_64)" "$S/unpatched-probe.sh $SRC $TREES $OUT/base-x86_64" \
				$S/unpatched-probe.sh "$SRC" "$TREES" "$OUT/base-x86_64"
		fi
		;;
	kunit)
		ensure_applied
		for a in um arm; do
			tap_run "kunit $a: the series' suite passes" "$S/kunit.sh $TREES/git-am $OUT/kunit-$a $a" \
				$S/kunit.sh "$TREES/git-am" "$OUT/kunit-$a" $a
		done
		base_worktree "$SRC" "$TREES/base" >/dev/null 2>&1
		tap_run "kunit um: the suite cannot run on the unpatched base" \
			"$S/kunit.sh $TREES/base $OUT/kunit-base um $TREES/git-am/drivers/dax/.kunitconfig expect-fail" \
			$S/kunit.sh "$TREES/base" "$OUT/kunit-base" um "$TREES/git-am/drivers/dax/.kunitconfig" expect-fail
		;;
	maintainers)
		ensure_applied
		# The arch patches: those that touch an arch/<arch>/ directory.
		for f in $(series_patches $P | sed "s|^|$P/|" | xargs grep -l '^+++ b/arch/[^/]*/'); do
			tap_run "get_maintainer names the arch list for ${f##*/}" "$S/maintainers-check.sh arch $TREES/git-am $f" \
				$S/maintainers-check.sh arch "$TREES/git-am" "$f"
		done
		;;
	*)
		echo "usage: $0 [lint apply bad-input compile kunit maintainers]" >&2
		exit 1
		;;
	esac
done
tap_finish
