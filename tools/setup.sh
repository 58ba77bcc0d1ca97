#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian packages onnxfix needs to build and to run its tests,
# when they are missing.  As root it runs apt-get; otherwise it prints the
# exact command and fails.  Debian 12 (bookworm) package names.
# Then it installs ONNX Runtime for Node.js, the tests' numeric oracle,
# into tests/ort/node_modules from the npm registry (no root needed).
set -eu

BUILD="make gcc pkg-config libc6-dev libprotobuf-c-dev protobuf-c-compiler
libgraphviz-dev graphviz libcmocka-dev libjansson-dev libxxhash-dev"
TEST="protobuf-compiler mandoc libonnx-testdata python3-onnx python3-numpy
python3-jsonschema clang libclang-rt-14-dev"
# Node.js may come from elsewhere (NodeSource); only ask Debian when the
# commands are missing.
command -v node >/dev/null 2>&1 || TEST="$TEST nodejs"
command -v npm >/dev/null 2>&1 || TEST="$TEST npm"

ort() {
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
for p in $BUILD $TEST; do
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
