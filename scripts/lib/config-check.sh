#!/bin/bash
# Compare every symbol a config fragment asks for with the final .config:
# merge_config.sh only warns when a request is dropped, this fails.
#
# usage: config-check.sh DOTCONFIG FRAGMENT...
# exit: 0 every request landed, 1 usage, 2 a request was lost (each named)
set -u
[ $# -ge 2 ] || { echo "usage: $0 DOTCONFIG FRAGMENT..." >&2; exit 1; }
config=$1
shift
bad=0
for frag in "$@"; do
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) sym=${line%%=*} want=${line#*=} ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want=n ;;
		*) continue ;;
		esac
		have=$(sed -n "s/^$sym=//p" "$config")
		[ -n "$have" ] || have=n
		if [ "$have" != "$want" ]; then
			echo "error: ${frag##*/} asks for $sym=$want, .config has $sym=$have"
			bad=1
		fi
	done <"$frag"
done
[ $bad -eq 0 ] || exit 2
echo "config: every requested symbol landed"
