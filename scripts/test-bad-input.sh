#!/bin/bash
# Feed the series tools a broken series and check that each refuses it
# with exit 2 and one line naming the culprit.  Works on a copy of
# patches/; the real one is never touched.
#
# usage: test-bad-input.sh CASE PATCHDIR SRC TREES
#   CASE: corrupt-git-am | corrupt-quilt | reordered | unlisted | missing | not-base |
#         unknown-version
set -u
. "$(dirname "$0")/lib.sh"
[ $# -eq 4 ] || die_usage "usage: $0 CASE PATCHDIR SRC TREES"
here=$(cd "$(dirname "$0")" && pwd)
case=$1 pdir=$(realpath "$2") src=$(realpath "$3") trees=$4
work=$(mktemp -d /tmp/badinput.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$pdir" "$work/patches"
p=$work/patches
last=$(series_patches "$p" | tail -n 1)
first=$(series_patches "$p" | head -n 1)

# expect_fail WANTED CMD...: CMD must exit $code (default 2) and say
# WANTED on an "error:" line.
code=2
expect_fail() {
	local want=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" | tail -n 4
	if [ $rc -ne $code ]; then
		echo "error: expected exit $code, got $rc"
		exit 2
	fi
	if ! echo "$out" | grep -q "^error: .*$want"; then
		echo "error: the error line does not name $want"
		exit 2
	fi
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
	expect_fail "$victim" "$here/apply-series.sh" "$p" "$src" "$trees/bad" git-am
	;;
corrupt-quilt)
	corrupt
	expect_fail "$victim" "$here/apply-series.sh" "$p" "$src" "$trees/bad" quilt
	;;
reordered)
	[ "$first" != "$last" ] || { echo "needs a series of two patches or more"; exit "$SKIP"; }
	{ echo "$last"; series_patches "$p" | sed '$d'; } >"$p/series.new" && mv "$p/series.new" "$p/series"
	expect_fail "$last" "$here/series-check.sh" "$p"
	;;
unlisted)
	sed -i "/^$last\$/d" "$p/series"
	expect_fail "$last" "$here/series-check.sh" "$p"
	;;
missing)
	rm "$p/$last"
	expect_fail "$last" "$here/series-check.sh" "$p"
	;;
not-base)
	# A repository whose base tag is some other tree.
	mkdir -p "$work/linux" && git -C "$work/linux" init -q &&
		git -C "$work/linux" -c user.name=t -c user.email=t@t commit -q --allow-empty -m other &&
		git -C "$work/linux" tag base
	expect_fail "not the pinned base" "$here/fetch-kernel.sh" linux-source-6.1 6.1.192-2 "$work/linux" \
		"$(git -C "$src" rev-parse base)"
	;;
unknown-version)
	# Exit 1 (not a test failure: the registry cannot give it), with
	# apt's own error and the command to retry.
	code=1
	expect_fail "could not download linux-source-6.1=0.0-0" "$here/fetch-kernel.sh" linux-source-6.1 0.0-0 \
		"$work/linux" "$(git -C "$src" rev-parse base)"
	grep -q "retry: " <<<"$("$here/fetch-kernel.sh" linux-source-6.1 0.0-0 "$work/linux2" x 2>&1)" ||
		{ echo "error: no retry command printed"; exit 2; }
	;;
*)
	die_usage "usage: $0 corrupt-git-am|corrupt-quilt|reordered|unlisted|missing|not-base|unknown-version PATCHDIR SRC TREES"
	;;
esac
