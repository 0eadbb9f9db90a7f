#!/bin/bash
# apt_get (lib.sh) on a machine where another process holds apt's locks,
# as unattended-upgrades does: it must wait, say so while it waits, go on
# once the lock is free, and give up after APT_LOCK_WAIT seconds.  The
# lock holder is a small fcntl() locker, apt's own kind of lock; the apt
# commands change nothing ("apt-get check", "apt-get update").
#
# usage: apt-lock-check.sh
# exit: 0 pass, 1 no python3, 2 fail, 77 not root (skip)
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ "$(id -u)" = 0 ] || { echo "skip: apt's locks need root"; exit "$SKIP"; }
need_tools python3 apt-get
work=$(mktemp -d /tmp/apt-lock.XXXXXX)
holder=''
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$work"' EXIT

# hold SECONDS FILE...: lock the files for SECONDS, in the background.
hold() {
	python3 -c '
import fcntl, os, sys, time
fds = [os.open(p, os.O_RDWR | os.O_CREAT, 0o640) for p in sys.argv[2:]]
for fd in fds:
    fcntl.lockf(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[1]))
' "$@" >"$work/holder" 2>&1 &
	holder=$!
	for _ in $(seq 50); do grep -q held "$work/holder" && return 0; sleep 0.1; done
	echo "error: the lock holder did not start: $(cat "$work/holder")"
	exit 2
}

# case NAME SECONDS WAIT EXPECT_RC WORDS APT_ARGS...: hold the locks of
# NAME for SECONDS, run apt_get with APT_LOCK_WAIT=WAIT; it must exit
# EXPECT_RC (0 or non-zero) and its output (progress lines and apt's
# log) must say WORDS.
case_() {
	local name=$1 secs=$2 wait=$3 want=$4 words=$5 files rc t0 t
	shift 5
	case $name in
	dpkg) files=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock) ;;
	lists) files=(/var/lib/apt/lists/lock) ;;
	esac
	hold "$secs" "${files[@]}"
	t0=$(date +%s)
	APT_LOCK_WAIT=$wait PROGRESS_SECS=2 apt_get "$work/apt.log" "$@" 2>"$work/progress"
	rc=$? t=$(($(date +%s) - t0))
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	holder=''
	cat "$work/progress" "$work/apt.log" | tr '\r' '\n' >"$work/said"
	echo "$name lock held ${secs}s, APT_LOCK_WAIT=$wait: apt-get $* exited $rc after ${t}s"
	grep -m 2 -E "$words" "$work/said" | sed 's/^/  said: /'
	if { [ "$want" = 0 ] && [ $rc -ne 0 ]; } || { [ "$want" != 0 ] && [ $rc -eq 0 ]; }; then
		tail -n 5 "$work/said"
		echo "error: apt-get $* exited $rc with the $name lock held ${secs}s and APT_LOCK_WAIT=$wait"
		exit 2
	fi
	grep -qE "$words" "$work/said" || { echo "error: nothing said /$words/ while the $name lock was held"; exit 2; }
	# Bounded: it gave up about when it was told to, not when the lock went.
	[ "$want" = 0 ] || [ "$t" -le $((wait + 10)) ] || { echo "error: apt-get $* gave up after ${t}s, not about ${wait}s"; exit 2; }
}

case_ dpkg 6 60 0 'Waiting for cache lock: .*held by process' check
case_ lists 6 60 0 'lists/lock is held by process .*; waiting' update -q
case_ dpkg 30 3 1 'Waiting for cache lock|Unable to acquire the dpkg frontend lock' check
echo "apt_get waits for a held dpkg or lists lock, says so, and gives up after APT_LOCK_WAIT"
