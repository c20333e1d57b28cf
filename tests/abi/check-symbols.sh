#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# check-symbols.sh LIBIOMMUFD.so MAP INCLUDE_DIR
# The exported symbols, the version script and the IOMMUFD_API declarations
# must list the same functions, all in a LIBIOMMUFD_ node. TAP output.
lib=$1 map=$2 inc=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sed 's/@.*//' | grep -v '^LIBIOMMUFD' | sort -u >"$tmp/exported"
grep -oE '^\s+iommufd_[a-z0-9_]+;' "$map" | tr -d ' \t;' | sort -u >"$tmp/map"
grep -rhoE 'IOMMUFD_API[^;(]*\b(iommufd_[a-z0-9_]+)\s*\(' "$inc" | grep -oE 'iommufd_[a-z0-9_]+\s*\($' | tr -d '( ' | sort -u >"$tmp/declared"
echo "1..3"
n=0
check() {
	n=$((n + 1))
	if diff -u "$tmp/$1" "$tmp/$2" >"$tmp/diff"; then
		echo "ok $n - $1 matches $2"
	else
		echo "not ok $n - $1 differs from $2"
		sed 's/^/# /' "$tmp/diff"
		fail=1
	fi
}
fail=0
check exported map
check declared map
n=$((n + 1))
if objdump -T "$lib" | awk '$NF ~ /^iommufd_/' | grep -qv 'LIBIOMMUFD_'; then
	echo "not ok $n - every symbol is versioned"
	fail=1
else
	echo "ok $n - every symbol is versioned"
fi
exit $fail
