#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# version.sh VERSION IOMMUFD_TOOL VERSION_PROBE MAN_PAGE
# meson's project version is the only place the version is written: the
# header's macros, the library's iommufd_version(), `iommufd --version` and
# the man page's header must all say VERSION. TAP output.
want=$1 tool=$2 probe=$3 man=$4
out=$("$probe") || { echo "1..0 # the probe failed"; exit 1; }
hdr_str=$(echo "$out" | sed -n 1p)
hdr_num=$(echo "$out" | sed -n 2p)
lib=$(echo "$out" | sed -n 3p)
cli=$("$tool" --version)
page=$(sed -n 's/^\.TH .* "libiommufd \([^"]*\)".*/\1/p' "$man")
echo "1..5"
n=0 fail=0
check() {
	n=$((n + 1))
	if [ "$2" = "$want" ]; then
		echo "ok $n - $1 is $want"
	else
		echo "not ok $n - $1 is '$2', meson says $want"
		fail=1
	fi
}
check IOMMUFD_VERSION_STRING "$hdr_str"
check "IOMMUFD_VERSION_MAJOR.MINOR.MICRO" "$hdr_num"
check "iommufd_version()" "$lib"
check "iommufd --version" "${cli#iommufd }"
check "the man page header" "$page"
exit $fail
