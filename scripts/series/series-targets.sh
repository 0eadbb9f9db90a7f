#!/bin/bash
# The Kbuild targets that can break when the series changes, for one
# configured build directory, derived from the files the patches touch
# (so patches appended later are covered without editing this script):
#
#  - a touched .c/.S/Makefile/Kbuild: its whole directory (local headers
#    make the neighbours depend on it), or only the object for files
#    right under a top-level directory (mm/memory.o, fs/dax.o: building
#    all of mm/ or fs/ would cost minutes and prove nothing more);
#  - a touched header: every object whose source includes it, directly
#    or through up to three private headers (dax.h -> fs/xfs/xfs_buf.h
#    -> xfs_linux.h -> xfs.h -> fs/xfs/*.c).  Public headers that include
#    it are not followed: arm's <asm/cacheflush.h> includes
#    <asm/cachetype.h>, and following it would mean most of the kernel
#    at every prefix.  The price: a user of a touched public header
#    reached only through another public one is not built (lib/
#    iov_iter.c gets arm's __copy_from_user_flushcache() through
#    <linux/uaccess.h>); the qemu group builds whole kernels of the
#    whole series;
#  - only what this configuration compiles, as Kbuild itself decides
#    (scripts/lib/kbuild-objs.mk), never an object it leaves out;
#  - arch/<other>/ is never built.
#
# usage: series-targets.sh PATCHDIR TREE OUT SRCARCH
#   OUT: the configured build directory (its .config decides).
# prints one target a line (dir/ or dir/file.o); what is not configured
# goes to stderr.  exit: 0, 1 usage, 2 the Kbuild query failed
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 4 ] || die_usage "usage: $0 PATCHDIR TREE OUT SRCARCH"
pdir=$1 tree=$(realpath "$2") out=$(realpath "$3") srcarch=$4

# The paths every patch of the series touches (new, changed or removed).
touched() {
	local p
	series_patches "$pdir" | while read -r p; do
		sed -n -e 's|^+++ b/||p' -e 's|^--- a/||p' "$pdir/$p"
	done | sort -u
}

# Paths outside the kernel build, and other architectures.
relevant() {
	case $1 in
	Documentation/* | tools/* | scripts/* | samples/* | usr/*) return 1 ;;
	arch/"$srcarch"/*) return 0 ;;
	arch/*) return 1 ;;
	esac
	return 0
}

# Top-level directories: build single objects there, not the directory.
shallow() {
	case $1 in
	*/*/*) return 1 ;;
	arch/*) return 0 ;;
	*/*) return 1 ;;
	esac
	return 0
}

declare -A seen_h=() want_dir=() want_obj=()

# consumers HEADER DEPTH (1 for a touched header, +1 per private one):
# record the sources that include HEADER.  <linux/x.h> style for
# include/ and arch/*/include/, "x.h" in its own directory for a
# private header.
consumers() {
	local h=$1 depth=$2 pat where f
	[ -n "${seen_h[$h]:-}" ] && return
	seen_h[$h]=1
	case $h in
	include/*) pat="<${h#include/}>" where=. ;;
	arch/*/include/*) pat="<${h#arch/*/include/}>" where=. ;;
	*) pat="\"${h##*/}\"" where=${h%/*} ;;
	esac
	while read -r f; do
		relevant "$f" || continue
		case $f in
		include/* | arch/*/include/*) ;; # public: see the top
		*.h) [ "$depth" -le 3 ] && consumers "$f" $((depth + 1)) ;;
		*.c | *.S) want_obj[${f%.*}.o]=1 ;;
		esac
	done < <(git -C "$tree" grep -l -F -e "#include $pat" -- "$where" 2>/dev/null)
}

# The candidates depend on the tree and the architecture, not on the
# configuration: with SERIES_TARGETS_CACHE set (bisect.sh sets it), the
# builds of one prefix share them instead of each grepping the tree.
key=$( {
	git -C "$tree" rev-parse HEAD
	echo "$srcarch"
	series_hash "$pdir"
} | sha1sum | cut -c1-16)
cache=${SERIES_TARGETS_CACHE:+$SERIES_TARGETS_CACHE/$key}
if [ -n "$cache" ] && [ -f "$cache" ]; then
	while read -r kind x; do
		if [ "$kind" = dir ]; then want_dir[$x]=1; else want_obj[$x]=1; fi
	done <"$cache"
else
	while read -r f; do
		relevant "$f" || continue
		case $f in
		*.h) consumers "$f" 1 ;;
		*.c | *.S) if shallow "${f%/*}"; then want_obj[${f%.*}.o]=1; else want_dir[${f%/*}]=1; fi ;;
		*/Makefile | */Kbuild) shallow "${f%/*}" || want_dir[${f%/*}]=1 ;;
		esac
	done < <(touched)
	if [ -n "$cache" ]; then
		mkdir -p "$SERIES_TARGETS_CACHE"
		{
			for x in "${!want_dir[@]}"; do echo "dir $x"; done
			for x in "${!want_obj[@]}"; do echo "obj $x"; done
		} >"$cache.$$" && mv "$cache.$$" "$cache"
	fi
fi

# What Kbuild builds in a directory of this configuration (cached).
declare -A objs=() subs=()
query() {
	local d=$1 res
	[ -n "${objs[$d]+x}" ] && return 0
	res=$(make -s -f "$SCRIPTS/lib/kbuild-objs.mk" srctree="$tree" objtree="$out" dir="$d" 2>&1) ||
		{ echo "error: kbuild-objs.mk failed in $d: $res" >&2; exit 2; }
	objs[$d]=" $(sed -n 's/^objs: //p' <<<"$res") "
	subs[$d]=" $(sed -n 's/^subdirs: //p' <<<"$res") "
}

# The directory whose Makefile lists objects of D: D itself, or the
# nearest parent with one (fs/xfs/Makefile builds libxfs/*.o).
owner() {
	local d=$1
	until [ -f "$tree/$d/Makefile" ] || [ -f "$tree/$d/Kbuild" ] || shallow "$d"; do d=${d%/*}; done
	echo "$d"
}

# A directory is built if every ancestor below the top level descends
# into it (the top level, and arch/<arch>, are always built).
reached() {
	local d=$1 parent
	while ! shallow "$d"; do
		parent=$(owner "${d%/*}")
		query "$parent"
		[[ ${subs[$parent]} == *" $d "* ]] || return 1
		d=$parent
	done
}

# Is the object inside a directory that is built whole anyway?
in_wanted_dir() {
	local d=${1%/*}
	while [[ $d == */* ]]; do
		[ -n "${want_dir[$d]:-}" ] && return 0
		d=${d%/*}
	done
	return 1
}

targets=()
for d in "${!want_dir[@]}"; do
	# A directory added by a later patch is not there yet at this prefix.
	[ -d "$tree/$d" ] || continue
	query "$d"
	if reached "$d" && [ -n "${objs[$d]// /}${subs[$d]// /}" ]; then
		targets+=("$d/")
	else
		echo "not in this configuration: $d/" >&2
	fi
done
for o in "${!want_obj[@]}"; do
	in_wanted_dir "$o" && continue # built with its directory
	[ -d "$tree/${o%/*}" ] || continue
	d=$(owner "${o%/*}")
	query "$d"
	if reached "$d" && [[ ${objs[$d]} == *" $o "* ]]; then
		targets+=("$o")
	else
		echo "not in this configuration: $o" >&2
	fi
done
[ ${#targets[@]} -eq 0 ] || printf '%s\n' "${targets[@]}" | sort
