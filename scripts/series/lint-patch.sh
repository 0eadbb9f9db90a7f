#!/bin/bash
# Per-patch lints.
#
# usage: lint-patch.sh scope PATCH
#          an "<arch>: ..." patch touches nothing outside arch/<arch>/
#        lint-patch.sh headers PATCH
#          no folded header line (b4 0.12 cannot read them)
#        lint-patch.sh signoff PATCH
#          the patch has a Signed-off-by: for exactly the author in From:
#        lint-patch.sh checkpatch SRC PATCH
#          scripts/checkpatch.pl --strict of the kernel tree SRC reports no
#          error, warning or check, except
#           - UNKNOWN_COMMIT_ID for an id listed, with the same subject, in
#             scripts/series/upstream-commits.tsv (the base has no git history);
#           - a type that the commit message names, arguing the exception.
# exit: 0 clean, 1 usage, 2 findings (one line each)
set -u
. "$(dirname "$0")/../lib/lib.sh"

# The commit message: from the first blank line to the "---" line.
commit_message() {
	sed -n '/^$/,/^---$/p' "$1"
}

case ${1:-} in
signoff)
	[ $# -eq 2 ] || die_usage "usage: $0 signoff PATCH"
	from=$(sed -n '/^$/q;s/^From: //p' "$2")
	[ -n "$from" ] || { echo "error: ${2##*/} has no From: header"; exit 2; }
	if ! commit_message "$2" | grep -qxF "Signed-off-by: $from"; then
		echo "error: ${2##*/}: no 'Signed-off-by: $from' matching From:"
		exit 2
	fi
	echo "signoff: $from"
	;;
checkpatch)
	[ $# -eq 3 ] || die_usage "usage: $0 checkpatch SRC PATCH"
	src=$(realpath "$2") patch=$(realpath "$3")
	need_tools perl python3
	# Debian's python3 first: checkpatch runs scripts/spdxcheck.py, which
	# needs python3-ply, and a python3 without it (pyenv's, here) fails
	# to stderr, which checkpatch reads as "license valid".
	out=$(cd "$src" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --show-types --no-summary "$patch" 2>&1)
	bad=0 accepted=""
	while IFS= read -r line; do
		case $line in
		ERROR:* | WARNING:* | CHECK:*) ;;
		*) continue ;;
		esac
		type=$(echo "$line" | cut -d: -f2)
		if [ "$type" = UNKNOWN_COMMIT_ID ]; then
			id=$(echo "$line" | sed -n "s/.*Unknown commit id '\([0-9a-f]*\)'.*/\1/p")
			subj=$(awk -F'\t' -v id="$id" '!/^#/ && $1 == id { print $2 }' "$SCRIPTS/series/upstream-commits.tsv")
			if [ -n "$subj" ] && commit_message "$patch" | tr '\n' ' ' | grep -qF "$id (\"$subj\")"; then
				accepted="$accepted $type($id)"
				continue
			fi
			echo "$line  [not in scripts/series/upstream-commits.tsv with the cited subject]"
			bad=1
			continue
		fi
		if commit_message "$patch" | grep -qw "$type"; then
			accepted="$accepted $type(argued)"
			continue
		fi
		echo "$line"
		bad=1
	done <<<"$out"
	if [ $bad -ne 0 ]; then
		echo "$out" | sed 's/^/  /' | head -n 40
		echo "error: checkpatch --strict findings in ${patch##*/}"
		exit 2
	fi
	echo "checkpatch: 0 errors, 0 warnings, 0 checks${accepted:+; accepted:$accepted}"
	;;
headers)
	# b4 0.12 (Debian 12) crashes with "Header values may not contain
	# linefeed" on folded headers, and format-patch folds a header line
	# over 78 columns: every header must fit on one line.
	[ $# -eq 2 ] || die_usage "usage: $0 headers PATCH"
	folded=$(sed -n '/^$/q;/^[[:space:]]/p' "$2")
	if [ -n "$folded" ]; then
		sed -n '/^$/q;p' "$2" | grep -B1 '^[[:space:]]'
		echo "error: ${2##*/} has a folded header: shorten the subject (or identity) to fit 78 columns"
		exit 2
	fi
	echo "headers: each on one line"
	;;
scope)
	# An arch patch ("<arch>: ...") touches only arch/<arch>/, so that
	# each arch maintainer acks exactly their own change.
	[ $# -eq 2 ] || die_usage "usage: $0 scope PATCH"
	subj=$(sed -n '/^$/q;s/^Subject: \[[^]]*\] //p' "$2")
	a=${subj%%:*}
	if [ ! -d "${SRC:-.}/arch/$a" ] || [ "$a" = "$subj" ]; then
		echo "not an arch patch ($subj)"
		exit 0
	fi
	stray=$(sed -n 's|^diff --git a/\([^ ]*\) .*|\1|p' "$2" | grep -v "^arch/$a/")
	[ -z "$stray" ] || { echo "$stray"; echo "error: ${2##*/} is a $a patch but touches files outside arch/$a/"; exit 2; }
	echo "scope: only arch/$a/"
	;;
cover)
	[ $# -eq 3 ] || die_usage "usage: $0 cover COVER BASE"
	got=$(sed -n 's/^base-commit: //p' "$2")
	[ "$got" = "$3" ] || { echo "error: ${2##*/} has base-commit '${got:-none}', pinned base is $3"; exit 2; }
	# The blurb (up to format-patch's shortlog) keeps to 75 columns.
	long=$(python3 "$SCRIPTS/series/series.py" cover-description "$2" | awk 'length > 75 { print NR": "$0 }')
	[ -z "$long" ] || { echo "$long"; echo "error: ${2##*/}: cover letter lines over 75 columns"; exit 2; }
	echo "cover: base-commit $got, lines within 75 columns"
	;;
*)
	die_usage "usage: $0 scope PATCH | headers PATCH | signoff PATCH | checkpatch SRC PATCH | cover COVER BASE"
	;;
esac
