#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Drawing bounds on real models: every model of a directory (by default
# the 39 torchvision exports of tests/zoo/gen.py --set full, made in
# build/zoo when missing) drawn with `onnxfix dot -T svg` at the default
# settings, timed with /usr/bin/time (wall clock, CPU of onnxfix and its
# layout child, peak resident memory of either).  Prints a Markdown table
# (the one in doc/pictures.md) and fails when a model does not draw, or
# takes more than 30 s or 512 MiB.
#
#	sh bench/pictures.sh [DIR] [FORMAT]	FORMAT: svg (default) or png
set -u
ONNXFIX=${ONNXFIX:-./onnxfix}
DIR=${1:-build/zoo}
FMT=${2:-svg}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

if [ ! -x /usr/bin/time ]; then
	echo "pictures: /usr/bin/time missing (apt-get install time)"; exit 1
fi
if [ "$DIR" = build/zoo ] && [ ! -d build/zoo ]; then
	/usr/bin/python3 tests/zoo/gen.py build/zoo --set full || exit 1
fi
echo "| model | nodes | drawn as | wall s | CPU s | peak MiB | exit |"
echo "|---|---|---|---|---|---|---|"
bad=0
worst_s=0
worst_m=0
for f in "$DIR"/*.onnx; do
	[ -f "$f" ] || continue
	b=$(basename "$f" .onnx)
	nodes=$($ONNXFIX info "$f" 2>/dev/null | sed -n 's/^nodes: *//p')
	/usr/bin/time -f '%e %U %S %M %x' -o "$T/time" \
	    $ONNXFIX dot -T "$FMT" -o "$T/out.$FMT" "$f" 2>"$T/err"
	read -r wall user sys rss rc <"$T/time"
	cpu=$(echo "$user $sys" | awk '{printf "%.2f", $1 + $2}')
	mib=$(echo "$rss" | awk '{printf "%.0f", $1 / 1024}')
	how=$(sed -n 's/.*O111: picture simplified for its size: \([^;]*\);.*/\1/p' \
	    "$T/err" | sed 's/, one per name scope//')
	[ -n "$how" ] || how="every node"
	grep -q 'O110' "$T/err" && how="$how, cut at the node limit"
	echo "| $b | $nodes | $how | $wall | $cpu | $mib | $rc |"
	if [ "$rc" -ne 0 ] || [ ! -s "$T/out.$FMT" ]; then
		bad=$((bad + 1)); sed 's/^/  | /' "$T/err" >&2
	fi
	if awk -v w="$wall" -v m="$mib" 'BEGIN { exit !(w > 30 || m > 512) }'
	then
		bad=$((bad + 1)); echo "over the bounds: $b" >&2
	fi
	worst_s=$(echo "$worst_s $wall" | awk '{print ($2 > $1) ? $2 : $1}')
	worst_m=$(echo "$worst_m $mib" | awk '{print ($2 > $1) ? $2 : $1}')
done
echo
echo "worst: $worst_s s wall, $worst_m MiB; $bad over the bounds or failed"
[ "$bad" -eq 0 ]
