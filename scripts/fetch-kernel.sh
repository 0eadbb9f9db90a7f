#!/bin/bash
# Fetch the pinned Debian kernel source and turn it into a git repository
# whose base commit hash is the same on every machine.
#
# usage: fetch-kernel.sh PACKAGE VERSION SRC_DIR EXPECTED_BASE
#
# The base commit has a fixed author, committer, dates and message, and
# adds every file of the tarball (-f: the tarball's own .gitignore files
# must not hide anything), so its hash depends only on the tarball.
set -eu
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die_usage "usage: $0 PACKAGE VERSION SRC_DIR EXPECTED_BASE"
pkg=$1 ver=$2 src=$3 expected=$4

if [ -d "$src/.git" ]; then
	have=$(git -C "$src" rev-parse -q --verify "refs/tags/base^{commit}" || true)
	if [ "$have" = "$expected" ]; then
		echo "kernel: $src has base $have"
		exit 0
	fi
	echo "error: $src is not the pinned base (tag base is '${have:-missing}', want $expected)" >&2
	echo "  retry: rm -rf $src && make kernel" >&2
	exit 2
fi

need_tools apt-get dpkg-deb tar xz git

dl=$(dirname "$src")/dl
mkdir -p "$dl"
deb="$dl/${pkg}_${ver}_all.deb"
if [ ! -s "$deb" ]; then
	progress "downloading $pkg=$ver"
	# apt-get download writes into the current directory; stale package
	# lists may not know the pinned version yet: refresh them once.
	if ! (cd "$dl" && apt-get download -q "$pkg=$ver") >"$dl/apt.log" 2>&1 &&
		! { apt-get update -q >>"$dl/apt.log" 2>&1 && (cd "$dl" && apt-get download -q "$pkg=$ver") >>"$dl/apt.log" 2>&1; }; then
		tail -n 5 "$dl/apt.log" >&2
		echo "error: could not download $pkg=$ver" >&2
		echo "  retry: apt-get update && make kernel" >&2
		exit 1
	fi
fi

progress "extracting $(basename "$deb")"
tmp=$(mktemp -d "$dl/x.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/*.tar.xz'
tarball=$(ls "$tmp"/usr/src/*.tar.xz)
tar -xJf "$tarball" -C "$tmp"
rm -f "$tarball"
top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d ! -name usr)
mv "$top" "$src"

progress "committing the base tree"
ident_env="GIT_AUTHOR_NAME=Debian GIT_AUTHOR_EMAIL=$pkg@packages.debian.org
GIT_COMMITTER_NAME=Debian GIT_COMMITTER_EMAIL=$pkg@packages.debian.org
GIT_AUTHOR_DATE=2000-01-01T00:00:00+0000 GIT_COMMITTER_DATE=2000-01-01T00:00:00+0000"
(
	cd "$src"
	git init -q -b series .
	git config core.autocrlf false
	git add -f -A .
	env $ident_env git commit -q --no-verify -m "$pkg $ver"
	git tag base
)
have=$(git -C "$src" rev-parse "base^{commit}")
if [ "$have" != "$expected" ]; then
	echo "error: base commit is $have, pinned is $expected" >&2
	echo "  the package content changed; check $pkg=$ver, then update KERNEL_BASE" >&2
	exit 2
fi
progress "kernel: $src ready at base $have"
