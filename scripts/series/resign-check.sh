#!/bin/bash
# "make export SIGNER=..." must leave no trace of the project identity and
# keep every patch's sign-off matching its From:.  Exports the imported
# series to a scratch folder; patches/ is not touched.
#
# usage: resign-check.sh SRC TREES OLD_IDENTITY NAME VERSION
#   TREES: where apply-series.sh made its git am tree
set -u
. "$(dirname "$0")/../lib/lib.sh"
[ $# -eq 5 ] || die_usage "usage: $0 SRC TREES OLD_IDENTITY NAME VERSION"
src=$1 trees=$2 old=$3
new="Jane Sender <jane@example.net>"
out=$(mktemp -d /tmp/resign.XXXXXX)
trap 'rm -rf "$out"' EXIT
python3 "$SCRIPTS/series/series.py" export "$src" "$(applied_branch "$trees")" "$out" "$4" "$5" --signer "$new" --old "$old" || exit 2
if grep -l -F "$old" "$out"/*.patch; then
	echo "error: the old identity '$old' survives re-signing in the files above"
	exit 2
fi
for p in $(series_patches "$out"); do
	f=$out/$p
	"$SCRIPTS/series/lint-patch.sh" signoff "$f" >/dev/null || { echo "error: ${f##*/}: sign-off does not match From: after re-signing"; exit 2; }
done
echo "re-signed $(ls "$out"/*.patch | wc -l) files for $new"
