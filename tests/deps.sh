#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Install the Debian 12 packages the build, the tests and the test rig need.
# Does nothing when they are all present; needs root otherwise.
set -euo pipefail

packages=(
	# library, tools and tests
	gcc g++ libc6-dev make meson ninja-build pkg-config python3 libcmocka-dev libudev-dev libkmod-dev libumockdev-dev umockdev
	doxygen valgrind file man-db abigail-tools
	# packaging tier: the dist tarball as .debs (tests/packaging/deb.sh)
	dpkg-dev debhelper lintian
	# test rig: kernel build, initramfs, VM
	flex bison bc libelf-dev libssl-dev libcap-dev cpio kmod patch xz-utils
	busybox-static qemu-system-x86 debian-archive-keyring
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: error: missing packages (${missing[*]}); run as root or: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >/tmp/libiommufd-apt.log 2>&1; then
	echo "deps: error: apt-get update failed (no access to the package archive?): $(tail -n1 /tmp/libiommufd-apt.log)" >&2
	exit 1
fi
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/libiommufd-apt.log 2>&1; then
	echo "deps: error: apt-get install failed: $(grep -m1 '^E:' /tmp/libiommufd-apt.log || tail -n1 /tmp/libiommufd-apt.log); see /tmp/libiommufd-apt.log" >&2
	exit 1
fi
