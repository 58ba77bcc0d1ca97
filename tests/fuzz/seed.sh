#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Rebuild the committed fuzz corpus (testdata/fuzz/TARGET/) from seeds:
# the real models of testdata/corpus (up to 256 KiB; replay.sh also
# replays all of them), Debian's
# libonnx-testdata models when installed, and the adversarial fixtures of
# tests/hostile/gen.py (up to 256 KiB); libFuzzer's -merge=1 keeps the
# smallest set with the same coverage.  Crashers (crash-*, leak-*,
# timeout-*, oom-*) already in the directories are kept.  Needs make fuzz.
#
#   sh tests/fuzz/seed.sh
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/models"
find testdata/corpus -name '*.onnx' -size -256k -exec cp {} "$T/models/" \;
if [ -d /usr/share/libonnx-testdata/data ]; then
	i=0
	find /usr/share/libonnx-testdata/data -name '*.onnx' | sort |
	while read -r f; do
		i=$((i + 1))
		cp "$f" "$T/models/libonnx-$i.onnx"
	done
fi
python3 tests/hostile/gen.py "$T/hostile" >/dev/null
find "$T/hostile/model" -maxdepth 1 -type f -name '*.onnx' -size -256k \
    -exec cp {} "$T/models/" \;
for t in prescan load passes dot cli; do
	mkdir -p "testdata/fuzz/$t" "$T/new-$t"
	"build/fuzz/fuzz_$t" -merge=1 -timeout=5 -rss_limit_mb=2048 \
	    "$T/new-$t" "testdata/fuzz/$t" "$T/models" >/dev/null 2>&1
	find "testdata/fuzz/$t" -type f ! -name 'crash-*' ! -name 'leak-*' \
	    ! -name 'timeout-*' ! -name 'oom-*' -delete
	cp "$T/new-$t"/* "testdata/fuzz/$t/"
	echo "seed: $t: $(ls "testdata/fuzz/$t" | wc -l) inputs"
done
# the resolver: hand-written scripts (ops, location, offset, length)
mkdir -p testdata/fuzz/external
e=testdata/fuzz/external
printf '\001\000\040a\0000\0008' >"$e/seed-file"
printf '\002\020\002\001\040a/x\0000\0008' >"$e/seed-symlink"
printf '\001\030\000a\0000\00024' >"$e/seed-hardlink"
printf '\000../secret/canary.bin\0000\00024' >"$e/seed-dotdot"
printf '\001\050\000c.bin\0000\0000' >"$e/seed-fifo"
printf '\002\011\000\003\040sub/a\0004\00010' >"$e/seed-subdir"
echo "seed: external: $(ls "$e" | wc -l) inputs"
