#!/bin/bash
# Feed the series tools a broken series and check that each refuses it
# with exit 2 and one line naming the culprit.  Works on a copy of
# patches/; the real one is never touched.
#
# usage: test-bad-input.sh CASE PATCHDIR SRC TREES
#   CASE: corrupt-git-am | corrupt-quilt | reordered | unlisted | missing | not-base |
#         unknown-version | other-version
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 4 ] || die_usage "usage: $0 CASE PATCHDIR SRC TREES"
case=$1 pdir=$(realpath "$2") src=$(realpath "$3") trees=$4
work=$(mktemp -d /tmp/badinput.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$pdir" "$work/patches"
p=$work/patches
last=$(series_patches "$p" | tail -n 1)
first=$(series_patches "$p" | head -n 1)

# expect_fail WANTED CMD...: CMD must exit $code (default 2) and say
# WANTED on an "error:" line (expect_failure, lib.sh).
code=2
expect_fail() {
	local want=$1
	shift
	EXPECT_EXIT=$code expect_failure "$work/expect.log" "^error: .*$want" "$@" | tail -n 5
	[ "${PIPESTATUS[0]}" -eq 0 ] || exit 2
	echo "refused with exit $code, naming $want"
}

# Damage one context line of the last patch that has context lines, so
# that it no longer matches the base; sets $victim.  A patch of new files
# only has no context to damage.
corrupt() {
	# shellcheck disable=SC2046 # patch names have no spaces
	victim=$(python3 - "$p" $(series_patches "$p") <<'PY2'
import sys
pdir, names = sys.argv[1], sys.argv[2:]
for name in reversed(names):
    path = f"{pdir}/{name}"
    lines = open(path).read().split("\n")
    in_hunk = False
    for i, l in enumerate(lines):
        if l.startswith("diff --git "):
            in_hunk = False
        elif l.startswith("@@"):
            in_hunk = True
        elif in_hunk and l.startswith(" ") and l.strip():
            lines[i] = " CORRUPTED" + l[1:]
            open(path, "w").write("\n".join(lines))
            print(name)
            sys.exit(0)
sys.exit("no patch has a context line to damage")
PY2
) || exit 1
	echo "damaged a context line of $victim"
}

case $case in
corrupt-git-am)
	corrupt
	expect_fail "$victim" "$SCRIPTS/series/apply-series.sh" "$p" "$src" "$trees/bad" git-am
	;;
corrupt-quilt)
	corrupt
	expect_fail "$victim" "$SCRIPTS/series/apply-series.sh" "$p" "$src" "$trees/bad" quilt
	;;
reordered)
	[ "$first" != "$last" ] || { echo "needs a series of two patches or more"; exit "$SKIP"; }
	{ echo "$last"; series_patches "$p" | sed '$d'; } >"$p/series.new" && mv "$p/series.new" "$p/series"
	expect_fail "$last" "$SCRIPTS/series/series-check.sh" "$p"
	;;
unlisted)
	sed -i "/^$last\$/d" "$p/series"
	expect_fail "$last" "$SCRIPTS/series/series-check.sh" "$p"
	;;
missing)
	rm "$p/$last"
	expect_fail "$last" "$SCRIPTS/series/series-check.sh" "$p"
	;;
not-base)
	# A repository whose base tag is some other tree.
	mkdir -p "$work/linux" && git -C "$work/linux" init -q &&
		git -C "$work/linux" -c user.name=t -c user.email=t@t commit -q --allow-empty -m other &&
		git -C "$work/linux" tag base
	expect_fail "not the pinned base" "$SCRIPTS/series/fetch-kernel.sh" linux-source-6.1 6.1.192-2 "$work/linux" \
		"$(git -C "$src" rev-parse base)"
	;;
unknown-version)
	# Exit 1 (not a test failure: the archive cannot give it), with one
	# line that names the version and the command that proceeds with one
	# the archive has.
	code=1
	expect_fail "linux-source-6.1=0.0-0 is not in the archive .*; proceed with another: make KERNEL_VERSION=[^ ]* kernel$" \
		"$SCRIPTS/series/fetch-kernel.sh" linux-source-6.1 0.0-0 "$work/linux" "$(git -C "$src" rev-parse base)"
	n=$("$SCRIPTS/series/fetch-kernel.sh" linux-source-6.1 0.0-0 "$work/linux2" x 2>&1 | grep -vc '^# ')
	[ "$n" = 1 ] || { echo "error: $n lines for a missing version, not one"; exit 2; }
	;;
other-version)
	# The day the archive drops the pinned revision (here: a pinned
	# revision it never had), make kernel names the command that goes
	# on with another; that command must work: the base it derives is
	# printed, git am and quilt apply the series, and the tests that
	# compare with the pinned base fail saying which base they ran on.
	# As a user types it: nothing of the make test running this.
	mk=(env -u MAKEFLAGS -u MAKELEVEL -u KERNEL_VERSION -u O make -C "$TOP" BUILD="$work/build" KERNEL_PINNED=0.0-0)
	out=$("${mk[@]}" kernel 2>&1)
	cmd=$(sed -n 's/^error: .*proceed with another: \(make KERNEL_VERSION=[^ ]* kernel\)$/\1/p' <<<"$out")
	[ -n "$cmd" ] || { echo "$out" | tail -n 3; echo "error: make kernel named no command to proceed"; exit 2; }
	echo "make kernel said: proceed with $cmd"
	read -ra words <<<"${cmd#make }"
	out=$("${mk[@]}" "${words[@]}" 2>&1) || { echo "$out" | tail -n 12; echo "error: '$cmd' failed"; exit 2; }
	grep -E '^kernel: .* base [0-9a-f]{40} \(derived' <<<"$out" || { echo "$out" | tail -n 3; echo "error: '$cmd' printed no derived base"; exit 2; }
	out=$(SRC=$work/build/linux TREES=$work/build/trees O=$work/out "$SCRIPTS/test.sh" apply 2>&1)
	grep -E '^(not )?ok ' <<<"$out"
	for m in git-am quilt; do
		grep -q "^ok [0-9]* - apply the series with $m\$" <<<"$out" || { echo "error: $m does not apply the series to ${words[0]}"; exit 2; }
	done
	if grep '^not ok ' <<<"$out" | grep -v ' \[run on linux-source-6.1 [^ ]* base [0-9a-f]*, not the pinned '; then
		echo "error: a test failed on another base without saying which base it ran on"
		exit 2
	fi
	echo "the series applies to ${words[0]#KERNEL_VERSION=}; the tests that compare with the pinned base name the one they ran on"
	exit 0
	;;
*)
	die_usage "usage: $0 corrupt-git-am|corrupt-quilt|reordered|unlisted|missing|not-base|unknown-version|other-version PATCHDIR SRC TREES"
	;;
esac
