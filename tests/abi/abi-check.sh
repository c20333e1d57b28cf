#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# abi-check.sh check|update LIBIOMMUFD.so BASELINE INCLUDE_DIR
# The ABI of the shared library against the committed baseline
# (tests/abi/libiommufd.abi, libabigail's abidw format).
#   check:  abidiff; fails on any change but added functions: a public
#           struct's size or a field's offset or type, a changed prototype,
#           a removed function. TAP output.
#   update: writes BASELINE from LIBIOMMUFD.so (ninja -C build abi-baseline),
#           for a change of the ABI made on purpose (doc/HACKING.md).
# The opaque handles (struct iommufd_x; in the headers, defined only in
# lib/) are the library's own business: their layout is suppressed, and
# with it every internal type reached through them.
mode=$1 lib=$2 baseline=$3 inc=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No path, no build directory: the baseline is the same from any checkout.
dump() { abidw --no-corpus-path --no-comp-dir-path --no-show-locs "$lib"; }

case "$mode" in
update)
	command -v abidw >/dev/null || { echo "abi-baseline: abidw is missing: apt-get install abigail-tools" >&2; exit 1; }
	dump >"$tmp/abi" || exit 1
	mv "$tmp/abi" "$baseline"
	echo "abi-baseline: wrote $baseline ($(grep -c '<elf-symbol ' "$baseline") symbols); commit it with the change that needs it"
	exit 0 ;;
check) ;;
*) echo "usage: abi-check.sh check|update LIB BASELINE INCLUDE_DIR" >&2; exit 2 ;;
esac

echo "1..1"
if ! command -v abidiff >/dev/null; then
	echo "ok 1 # SKIP abigail-tools is not installed (tests/deps.sh)"
	exit 0
fi
if ! readelf -S "$lib" | grep -q '\.debug_info'; then
	echo "ok 1 # SKIP the library has no debug information (DWARF) to read its ABI from: build with -g"
	exit 0
fi
if [ ! -f "$baseline" ]; then
	echo "not ok 1 - no ABI baseline $baseline: ninja -C BUILD abi-baseline"
	exit 1
fi
opaque=$(grep -rhoE '^struct iommufd_[a-z0-9_]+;' "$inc" | tr -d ';' | sed 's/^struct //' | sort -u | paste -sd'|' -)
printf '[suppress_type]\n  type_kind = struct\n  name_regexp = ^(%s)$\n' "$opaque" >"$tmp/suppr"
abidiff --suppressions "$tmp/suppr" --no-added-syms "$baseline" "$lib" >"$tmp/report" 2>&1
rc=$?
if [ $rc = 0 ]; then
	echo "ok 1 - the ABI matches $(basename "$baseline") (added functions allowed)"
	exit 0
fi
echo "not ok 1 - the ABI differs from $(basename "$baseline") (abidiff status $rc)"
sed 's/^/# /' "$tmp/report"
echo "# on purpose? ninja -C BUILD abi-baseline, then commit tests/abi/libiommufd.abi (doc/HACKING.md)"
exit 1
