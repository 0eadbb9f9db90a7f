#!/bin/bash
# Fetch the pinned Debian kernel source and turn it into a git repository
# whose base commit hash is the same on every machine.
#
# usage: fetch-kernel.sh PACKAGE VERSION SRC_DIR EXPECTED_BASE
#   EXPECTED_BASE: the pinned base commit of PACKAGE=VERSION, or "-" for
#   another revision than the pinned one, whose base is derived and
#   printed (make KERNEL_VERSION=... kernel).  DL (environment, default
#   beside SRC_DIR) is where the .deb is kept: a cache .ci/run shares.
#
# The base commit has a fixed author, committer, dates and message
# ("PACKAGE VERSION"), and adds every file of the tarball (-f: the
# tarball's own .gitignore files must not hide anything), so its hash
# depends only on the tarball.
#
# exit: 0 ready, 1 usage, or the archive cannot give PACKAGE=VERSION (one
#       line then names the missing version and the command that proceeds
#       with one it has), 2 SRC_DIR holds another tree, or the pinned
#       version's content changed
set -eu
. "$(dirname "$0")/../lib/lib.sh"

[ $# -eq 4 ] || die_usage "usage: $0 PACKAGE VERSION SRC_DIR EXPECTED_BASE|-"
pkg=$1 ver=$2 src=$3 expected=$4

# An existing tree: the one asked for, or an error that says what to do.
if [ -d "$src/.git" ]; then
	have=$(git -C "$src" rev-parse -q --verify "refs/tags/base^{commit}" || true)
	subject=$(git -C "$src" log -1 --format=%s "$have" 2>/dev/null || true)
	if [ -n "$have" ] && { [ "$have" = "$expected" ] || { [ "$expected" = - ] && [ "$subject" = "$pkg $ver" ]; }; }; then
		echo "kernel: $src has $pkg $ver, base $have"
		exit 0
	fi
	if [ "$expected" != - ] && [ "${subject% *}" = "$pkg" ] && [ "$subject" != "$pkg $ver" ]; then
		echo "error: $src holds ${subject#* } (base $have), not the pinned $ver; proceed with it: make KERNEL_VERSION=${subject#* } ..., or start again: rm -rf $src && make kernel" >&2
	else
		echo "error: $src is not the pinned base (tag base is '${have:-missing}' from '${subject:-?}', want ${expected/#-/any base of $pkg $ver})" >&2
		echo "  retry: rm -rf $src && make kernel" >&2
	fi
	exit 2
fi

need_tools apt-get apt-cache dpkg-deb tar xz git

dl=${DL:-$(dirname "$src")/dl}
mkdir -p "$dl" "$(dirname "$src")"
deb="$dl/${pkg}_${ver}_all.deb"
# Absolute: the download runs in it, and the logs are named from there.
tmp=$(mktemp -d "$(realpath "$(dirname "$src")")/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ ! -s "$deb" ]; then
	progress "downloading $pkg=$ver"
	# apt-get download writes into the current directory; stale package
	# lists may not know the version yet: refresh them once.
	if ! (cd "$tmp" && apt_get "$tmp/apt.log" download -q "$pkg=$ver") &&
		! { apt_get "$tmp/update.log" update -q && (cd "$tmp" && apt_get "$tmp/apt.log" download -q "$pkg=$ver"); }; then
		# The archive keeps a few revisions; the pinned one will go.
		served=$(apt-cache madison "$pkg" 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -u -V -r)
		if [ -z "$served" ]; then
			echo "error: the archive serves no $pkg at all; check /etc/apt/sources.list*, then: apt-get update && make kernel" >&2
		elif ! grep -qxF "$ver" <<<"$served"; then
			echo "error: $pkg=$ver is not in the archive (it serves $(echo $served)); proceed with another: make KERNEL_VERSION=$(head -n 1 <<<"$served") kernel" >&2
		else
			tail -n 3 "$tmp/apt.log" >&2
			echo "error: could not download $pkg=$ver, which the archive lists; retry: apt-get update && make kernel" >&2
		fi
		exit 1
	fi
	mv "$tmp"/*.deb "$deb"
fi

progress "extracting $(basename "$deb")"
extract() {
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/*.tar.xz' &&
		tar -xJf "$tmp"/usr/src/*.tar.xz -C "$tmp" && rm -f "$tmp"/usr/src/*.tar.xz
}
PROGRESS_LABEL="extracting the kernel source" run_logged "$tmp/extract.log" extract ||
	{ cat "$tmp/extract.log" >&2; echo "error: cannot extract $deb" >&2; exit 2; }
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
	PROGRESS_LABEL="git add" run_logged "$tmp/git-add.log" git add -f -A .
	env $ident_env git commit -q --no-verify -m "$pkg $ver"
	git tag base
)
have=$(git -C "$src" rev-parse "base^{commit}")
if [ "$expected" = - ]; then
	echo "kernel: $src ready: $pkg $ver, base $have (derived: not the pinned revision; tests that compare with the pinned base name the one they ran on)"
	exit 0
fi
if [ "$have" != "$expected" ]; then
	echo "error: base commit is $have, pinned is $expected" >&2
	echo "  the package content changed; check $pkg=$ver, then update KERNEL_BASE" >&2
	exit 2
fi
progress "kernel: $src ready at base $have"
echo "kernel: $src has $pkg $ver, base $have"
