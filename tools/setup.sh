#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install what onnxfix needs, when it is missing, on Debian 12
# (bookworm), a machine that may have neither make nor a compiler:
#
#   sh tools/setup.sh           what building and running onnxfix needs
#   sh tools/setup.sh --test    that, and what make check needs: the test
#                               tools (protoc, mandoc, clang, python3-onnx,
#                               libonnx-testdata, PyTorch and torchvision
#                               for real exports, Node.js, Chromium for
#                               the interactive page) and ONNX
#                               Runtime for Node.js, the tests' numeric
#                               oracle, from the npm registry into
#                               tests/ort/
#
# As root it runs apt-get; otherwise it prints the exact command and
# fails.  The README's two commands start with it.
set -eu

BUILD="make gcc pkg-config libc6-dev libprotobuf-c-dev protobuf-c-compiler
libgraphviz-dev graphviz libcmocka-dev libjansson-dev libxxhash-dev"
TEST="protobuf-compiler mandoc libonnx-testdata python3-onnx python3-numpy
python3-jsonschema clang libclang-rt-14-dev python3-torch python3-torchvision
chromium"
tests=0
case ${1:-} in
--test) tests=1 ;;
"") ;;
*)
	echo "usage: sh tools/setup.sh [--test]" >&2
	exit 64
	;;
esac
want=$BUILD
if [ $tests -eq 1 ]; then
	want="$BUILD $TEST"
	# Node.js may come from elsewhere (NodeSource); only ask Debian
	# when the commands are missing.
	command -v node >/dev/null 2>&1 || want="$want nodejs"
	command -v npm >/dev/null 2>&1 || want="$want npm"
fi

ort() {
	[ $tests -eq 1 ] || return 0
	if [ -d tests/ort/node_modules/onnxruntime-node ]; then
		echo "setup: onnxruntime-node present"
		return 0
	fi
	echo "setup: installing onnxruntime-node (tests/ort)"
	# The CPU library ships inside the package; skip the GPU download.
	(cd tests/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit \
	    --no-fund --loglevel=error)
}

missing=""
for p in $want; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $status in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -z "$missing" ]; then
	echo "setup: all packages present"
	ort
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing packages:$missing" >&2
	echo "setup: run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
ort
