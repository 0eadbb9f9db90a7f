# shellcheck shell=bash
# Shared helpers for the scripts: sourced, never run.

# The scripts' folder and the project's top, for every script that
# sources this one (scripts/GROUP/NAME reaches another as
# "$SCRIPTS/GROUP/NAME").
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOP=$(dirname "$SCRIPTS")

# Elapsed time since the outermost script started, for progress lines.
: "${LIB_T0:=$(date +%s)}"
export LIB_T0

progress() {
	printf '# [%4ss] %s\n' "$(($(date +%s) - LIB_T0))" "$*" >&2
}

# run_logged LOG CMD...: run CMD with its output in LOG (stdin
# /dev/null) and return its code.  While it runs, say every
# PROGRESS_SECS (default 25: no step may be silent for 30) how long it
# has run and, where LOG is Kbuild output, how many objects it has
# built; otherwise LOG's last line (an inner run_logged's tick, apt's
# "Waiting for cache lock", ...).
# PROGRESS_LABEL names the step (default: the command).
run_logged() {
	local log=$1 pid tick rc
	shift
	"$@" >"$log" 2>&1 </dev/null &
	pid=$!
	progress_ticker "$log" "${PROGRESS_LABEL:-$1}" "$pid" &
	tick=$!
	wait "$pid" && rc=0 || rc=$?
	kill "$tick" 2>/dev/null || true
	wait "$tick" 2>/dev/null || true
	return $rc
}

# progress_ticker LOG LABEL PID: run_logged's clock, in the background.
progress_ticker() {
	local log=$1 label=$2 pid=$3 t0 s objs last
	# A clock must not stop at a grep that finds nothing (set -e callers).
	set +e
	t0=$(date +%s)
	# wait, unlike a foreground sleep, lets the TERM from run_logged in.
	trap 'kill "$s" 2>/dev/null; exit 0' TERM
	while :; do
		sleep "${PROGRESS_SECS:-25}" &
		s=$!
		wait "$s"
		kill -0 "$pid" 2>/dev/null || exit 0
		# Kbuild's quiet lines: "  CC      fs/dax.o".
		objs=$(grep -cE '^  (CC|AS|LD|AR|HOSTCC|HOSTLD|CPP|LDS|OBJCOPY|DTC|GEN|UPD)( \[M\])? +[^ ]' "$log" 2>/dev/null)
		last=$(grep -v '^[[:space:]]*$' "$log" 2>/dev/null | tail -n 1 | sed 's/^[[:space:]]*//' | cut -c1-120)
		if [ "${objs:-0}" -gt 0 ]; then
			progress "$label: running $(($(date +%s) - t0))s, $objs Kbuild steps done (last: $last)"
		else
			progress "$label: running $(($(date +%s) - t0))s${last:+ (last: $last)}"
		fi
	done
}

# apt_get LOG ARGS...: apt-get ARGS with its output in LOG, as run_logged
# runs it.  A lock held by another apt or dpkg (unattended-upgrades on a
# real machine) is waited for, up to APT_LOCK_WAIT seconds (default 600),
# saying so, instead of failing at once: apt itself waits for dpkg's lock
# (DPkg::Lock::Timeout), and the lists lock of "apt-get update", which
# apt does not wait for, is retried here.
apt_get() {
	local log=$1 t0 rc holder wait=${APT_LOCK_WAIT:-600}
	shift
	t0=$(date +%s)
	while :; do
		PROGRESS_LABEL="apt-get $1" run_logged "$log" env DEBIAN_FRONTEND=noninteractive \
			apt-get -o DPkg::Lock::Timeout="$wait" "$@"
		rc=$?
		[ $rc -ne 0 ] || return 0
		holder=$(sed -n 's/^E: Could not get lock \(.*\)\. It is held by \(.*\)$/\1 is held by \2/p' "$log" | head -n 1)
		[ -n "$holder" ] && [ $(($(date +%s) - t0)) -lt "$wait" ] || return $rc
		progress "apt-get $1: $holder; waiting ($(($(date +%s) - t0))s of ${wait}s)"
		sleep 5
	done
}

die_usage() {
	echo "$*" >&2
	exit 1
}

# Exit 1 (missing tool) naming the first tool that is not on PATH.
need_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 && continue
		echo "error: '$t' not found; run: make deps" >&2
		exit 1
	done
}

# A test's own exit code for "cannot run here": the runner prints SKIP
# with the test's last output line as the reason.
SKIP=77

# expect_failure LOG PATTERN CMD...: the one form of "must fail": the
# half of a test that shows it fails before the series (or on bad
# input).  CMD must exit EXPECT_EXIT (default 2, a build or test failure)
# with a line matching the extended regex PATTERN in its output, which is
# shown and kept in LOG.  Returns 0 if so; 2 if CMD passed or failed
# otherwise; CMD's own code for a skip (77), a missing tool (1) or a
# timeout (124) where another code was expected.
# (scripts/lib/must-fail.sh is this as a command, for test.sh.)
expect_failure() {
	local log=$1 pattern=$2 want=${EXPECT_EXIT:-2} rc
	shift 2
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	if [ "$rc" -ne "$want" ]; then
		case $rc in
		0) echo "error: ${1##*/} passed where it must fail: it cannot detect what it checks"; return 2 ;;
		"$SKIP" | 1 | 124) return $rc ;;
		esac
		echo "error: ${1##*/} exited $rc, not $want (log: $log)"
		return 2
	fi
	grep -Eq -- "$pattern" "$log" && return 0
	echo "error: ${1##*/} failed, but not with /$pattern/ (log: $log)"
	return 2
}

# ---- TAP runner -----------------------------------------------------
# tap_run NAME CMD...: run CMD with its output in a log; print
# "ok N - NAME", "ok N - NAME # SKIP reason" or "not ok N - NAME # reason"
# with the log's tail and a one-line reproducer.  The reason is the last
# line the command printed.  The reproducer is CMD itself, each word
# quoted with printf %q, so that it runs as printed from the project's
# top; TAP_REPRO= replaces it where CMD needs state the caller set up (a
# step of a walk: the walk's own command line for that step).  Every
# test's reproducer and exit code go to TAP_LOGDIR/reproducers
# ("N<tab>RC<tab>REPRO" lines; scripts/lib/repro-check.sh reruns them).
tap_n=0 tap_pass=0 tap_fail=0 tap_skip=0
# Failures by kind, for the exit code: real failures, timeouts (124),
# usage errors or missing tools (1).
tap_real=0 tap_timeout=0 tap_tool=0
tap_failures=()

# tap_logdir: where the tests' logs go, made on first use:
# O/test-logs/SCRIPT (O defaults to the project's build/out), kept for
# reading after the run and emptied when the next one starts.  Not a
# temporary folder: its EXIT trap would replace the calling script's.
tap_logdir() {
	[ -n "${TAP_LOGDIR:-}" ] && return 0
	TAP_LOGDIR=${O:-${BUILD:-$TOP/build}/out}/test-logs/$(basename "$0" .sh)
	rm -rf "$TAP_LOGDIR" && mkdir -p "$TAP_LOGDIR"
}

tap_run() {
	local name=$1 repro log rc t0 why
	shift
	repro=${TAP_REPRO:-$(printf '%q ' "$@")}
	repro=${repro% }
	tap_n=$((tap_n + 1))
	tap_logdir
	log=$TAP_LOGDIR/$tap_n.log
	t0=$(date +%s)
	# Every test runs under a time limit; 124 is reported as a timeout.
	# run_logged says every PROGRESS_SECS what the test is doing.
	PROGRESS_LABEL=$name run_logged "$log" timeout "${TAP_TIMEOUT:-1800}" "$@"
	rc=$?
	printf '%s\t%s\t%s\n' "$tap_n" "$rc" "$repro" >>"$TAP_LOGDIR/reproducers"
	[ "${V:-0}" = 1 ] && sed 's/^/#   /' "$log"
	why=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1 | cut -c1-200)
	case $rc in
	0)
		tap_pass=$((tap_pass + 1))
		echo "ok $tap_n - $name"
		;;
	"$SKIP")
		tap_skip=$((tap_skip + 1))
		echo "ok $tap_n - $name # SKIP ${why:-no reason given}"
		;;
	*)
		tap_fail=$((tap_fail + 1))
		case $rc in
		124) tap_timeout=$((tap_timeout + 1)); why="timed out; $why" ;;
		1) tap_tool=$((tap_tool + 1)) ;;
		*) tap_real=$((tap_real + 1)) ;;
		esac
		echo "not ok $tap_n - $name # ${why:-exit $rc}"
		tail -n 20 "$log" | sed 's/^/#   /'
		echo "#   reproduce: $repro"
		tap_failures+=("$tap_n - $name" "$repro")
		;;
	esac
	if [ $(($(date +%s) - t0)) -ge 10 ]; then
		progress "$name took $(($(date +%s) - t0))s"
	fi
	return 0
}

tap_comment() {
	echo "# $*"
}

# Print the plan and the closing count line.  Exit 0 if nothing failed;
# 2 if a build or test failed; otherwise 124 if a test timed out, 1 if
# one lacked a tool or was called wrongly.
tap_finish() {
	local f
	# Long runs: the tail of the output (what a wrapping test or a CI
	# log shows) names every failure and its reproducer again.
	for ((f = 0; f < ${#tap_failures[@]}; f += 2)); do
		tap_comment "FAILED: ${tap_failures[f]}"
		tap_comment "  reproduce: ${tap_failures[f + 1]}"
	done
	echo "1..$tap_n"
	echo "$tap_pass passed, $tap_fail failed, $tap_skip skipped"
	[ "$tap_real" -eq 0 ] || exit 2
	[ "$tap_timeout" -eq 0 ] || exit 124
	[ "$tap_tool" -eq 0 ] || exit 1
	exit 0
}

# The patch names that patches/series lists, in order, without comments.
series_patches() {
	sed -e 's/#.*//' -e 's/[[:space:]].*//' -e '/^$/d' "$1/series"
}

# A hash of what patches/ holds: the series file and every patch.
series_hash() {
	cat "$1/series" "$1"/*.patch 2>/dev/null | sha1sum | cut -d' ' -f1
}

# applied_branch TREES: the branch that apply-series.sh's git am tree
# under TREES is on.  One per TREES folder, so that two sets of trees of
# the same repository (the bad-input tests', a second checkout's) never
# move each other's HEAD.
applied_branch() {
	echo "apply-git-am-$(realpath -m "$1" | sha1sum | cut -c1-8)"
}

# git_worktree REPO DIR REF: DIR becomes a clean checkout of REF (a
# detached HEAD) of the kernel repository REPO, which may be a worktree
# of it itself: the one way the scripts make a worktree.  The worktree
# is reused when there is one (its build directories stay incremental),
# after ending any git am left in it.
git_worktree() {
	local repo=$1 dir
	# Absolute: git worktree add reads a relative path from inside REPO.
	dir=$(realpath -m "$2")
	if [ -e "$dir/.git" ]; then
		git -C "$dir" am --abort >/dev/null 2>&1
		git -C "$dir" checkout -q -f --detach "$3" && git -C "$dir" clean -q -ffdx
	else
		rm -rf "$dir"
		mkdir -p "$(dirname "$dir")"
		git -C "$repo" worktree prune
		git -C "$repo" worktree add -q -f --detach "$dir" "$3"
	fi || { echo "error: cannot check out $3 in $dir" >&2; return 2; }
}

# base_worktree SRC DIR: DIR becomes a clean checkout of tag base.
base_worktree() {
	git_worktree "$1" "$2" base
}

# series_am PATCHDIR TREE: git am every patch of PATCHDIR/series onto
# TREE's HEAD, one commit each, as a maintainer applies them; committer =
# author, committer date = author date, so that the same patches give
# the same commit hashes on every machine.  The one git am loop of the
# scripts.  Returns 2 naming the patch that does not apply.
series_am() {
	local pdir=$1 tree=$2 p author
	while read -r p; do
		author=$(sed -n 's/^From: //p;/^$/q' "$pdir/$p" | head -n 1)
		if ! GIT_COMMITTER_NAME=${author% <*} GIT_COMMITTER_EMAIL=$(sed 's/.*<\(.*\)>.*/\1/' <<<"$author") \
			git -C "$tree" am -q --committer-date-is-author-date "$pdir/$p" >/dev/null 2>&1; then
			git -C "$tree" am --abort >/dev/null 2>&1
			echo "error: patches/$p does not apply with git am on base" >&2
			return 2
		fi
	done < <(series_patches "$pdir")
}

# conf_value FILE VAR: VAR as the shell record FILE (a scenario or a
# kernel recipe) sets it, read in a subshell: nothing of FILE leaks into
# the caller.
conf_value() {
	# shellcheck source=/dev/null
	(. "$1" && eval "printf '%s' \"\${$2:-}\"")
}

# kernel_recipe NAME: the path of qemu/kernels/NAME.conf, or NAME if it
# is a file; fails, saying so, if neither is.
kernel_recipe() {
	if [ -f "$1" ]; then
		realpath "$1"
	elif [ -f "$TOP/qemu/kernels/$1.conf" ]; then
		echo "$TOP/qemu/kernels/$1.conf"
	else
		echo "error: no kernel recipe $1 (qemu/kernels/$1.conf)" >&2
		return 1
	fi
}

# ---- kernel builds of the arch matrix ------------------------------
# fragment_path NAME: configs/fragments/NAME.config, or configs/NAME.config
# for the fragments offered to distro builders.
fragment_path() {
	if [ -f "$TOP/configs/fragments/$1.config" ]; then
		echo "$TOP/configs/fragments/$1.config"
	else
		echo "$TOP/configs/$1.config"
	fi
}

# dax_config_summary DOTCONFIG: the symbols the series decides, as
# "SYM=value ..." (n when unset), in the order the reports use.
dax_config_summary() {
	local sym
	for sym in ARCH_HAS_CACHE_ALIASING ARCH_HAS_CACHE_ALIASING_DYNAMIC DAX FS_DAX FS_DAX_LIMITED FUSE_DAX ARCH_SUPPORTS_FS_DAX_LIMITED LIBNVDIMM; do
		printf '%s=%s ' "$sym" "$(sed -n "s/^CONFIG_$sym=//p" "$1" | grep . || echo n)"
	done
	echo
}

# tree_mirror SRC DEST: DEST becomes a copy of the kernel tree SRC made of
# hard links (two seconds, no space), unless it is one of SRC as it is now
# already.  A build directory made inside it (DEST/o-NAME) sees the source
# as "..": the compiler command lines of two mirrors are then the same,
# and ccache hands one tree's objects to the other wherever the sources
# agree (git replaces files rather than writing into them, so SRC moving
# on never changes DEST).
tree_mirror() {
	local src=$1 dest=$2 id
	id=$(git -C "$src" rev-parse -q --verify 'HEAD^{tree}' 2>/dev/null)-$(git -C "$src" status --porcelain 2>/dev/null | sha1sum | cut -c1-12)
	[ "$(cat "$dest.id" 2>/dev/null)" = "$id" ] && [ -d "$dest" ] && return 0
	rm -rf "$dest" "$dest.id"
	mkdir -p "$(dirname "$dest")"
	cp -al "$src" "$dest" && rm -rf "$dest/.git" && echo "$id" >"$dest.id"
}
