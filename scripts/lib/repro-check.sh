#!/bin/bash
# A failure's reproducer must run as printed.  tap_run (lib.sh) prints
# each test's command word by word through printf %q and notes it with
# the test's exit code in TAP_LOGDIR/reproducers; this reruns a sample
# of them as a newcomer would paste them: from the project's top, in a
# shell with no variable of the make run (only HOME, PATH, LANG), and
# fails on any exit code that differs from the recorded one.
#
# usage: repro-check.sh --self-test
#          tap_run's quoting of words with blanks, quotes, $ and
#          backslashes, through a failure, rerun as printed
#        repro-check.sh REPRODUCERS FIRST
#          one test per command (script and subcommand) among tests
#          FIRST and later
# exit: 0 every rerun exited as recorded, 1 usage, 2 one did not
set -u
. "$(dirname "$0")/lib.sh"
top=$TOP

# rerun REPRO: REPRO's exit code, run as printed; its output on stdout.
rerun() {
	(cd "$top" && env -i HOME="$HOME" PATH="$PATH" LANG="${LANG:-C.UTF-8}" bash -c "$1" </dev/null 2>&1)
}

if [ "${1:-}" = --self-test ]; then
	[ $# -eq 1 ] || die_usage "usage: $0 --self-test"
	work=$(mktemp -d) || exit 2
	trap 'rm -rf "$work"' EXIT
	want=$'a b|it\'s|$HOME|back\\slash|"q"|'
	# A failing test of its own, in another shell: its TAP lines are
	# what a reader of the log would copy.
	cat >"$work/quoting.sh" <<'EOS'
. scripts/lib/lib.sh
tap_run quoting sh -c 'printf "%s|" "$@"; exit 3' - "a b" "it's" '$HOME' 'back\slash' '"q"'
tap_finish
EOS
	out=$(cd "$top" && TAP_LOGDIR=$work bash "$work/quoting.sh" 2>/dev/null)
	repro=$(sed -n 's/^#   reproduce: //p' <<<"$out" | head -n 1)
	[ -n "$repro" ] || { echo "$out"; echo "error: the failing test printed no reproducer"; exit 2; }
	got=$(rerun "$repro")
	rc=$?
	[ "$rc" -eq 3 ] && [ "$got" = "$want" ] ||
		{ echo "printed: $repro"; echo "error: rerun as printed gave '$got' (exit $rc), not '$want' (exit 3)"; exit 2; }
	echo "the reproducer of a failing test runs as printed: $repro"
	exit 0
fi

[ $# -eq 2 ] || die_usage "usage: $0 REPRODUCERS FIRST | --self-test"
list=$1 first=$2
[ -f "$list" ] || die_usage "error: no file $list"
declare -A seen
bad=0 n=0
while IFS=$'\t' read -r num rc repro; do
	[ "$num" -ge "$first" ] || continue
	# The command: the first word that is not env, python3 or an
	# assignment, and the next one (a subcommand such as "headers").
	read -ra w <<<"$repro"
	i=0
	while [ $i -lt ${#w[@]} ] && [[ ${w[i]} == env || ${w[i]} == python3 || ${w[i]} == *=* ]]; do i=$((i + 1)); done
	key="${w[i]:-} ${w[i + 1]:-}"
	[ -z "${seen[$key]:-}" ] || continue
	seen[$key]=1
	n=$((n + 1))
	progress "rerun test $num: $repro"
	rerun "$repro" >/dev/null
	got=$?
	if [ "$got" -ne "$rc" ]; then
		echo "error: test $num exited $rc in the run, $got as printed: $repro"
		bad=1
	fi
done <"$list"
[ $n -gt 0 ] || { echo "error: no test $first or later in $list"; exit 2; }
[ $bad -eq 0 ] || exit 2
echo "$n reproducers, one per command, ran as printed with their recorded exit codes"
