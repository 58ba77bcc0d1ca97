#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian packages onnxfix needs to build and to run its tests,
# when they are missing.  As root it runs apt-get; otherwise it prints the
# exact command and fails.  Debian 12 (bookworm) package names.
set -eu

BUILD="make gcc pkg-config libc6-dev libprotobuf-c-dev protobuf-c-compiler
libgraphviz-dev graphviz libcmocka-dev libjansson-dev libxxhash-dev"
TEST="protobuf-compiler mandoc libonnx-testdata"

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
