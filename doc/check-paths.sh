#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# check-paths.sh SOURCE_ROOT BUILD_ROOT FILE_OR_DIR...
# Reproducible documentation: no generated page (HTML reference, man pages)
# names the source or the build directory. For a man page, the whole
# directory it is in is checked. TAP output.
src=$1 build=$2
shift 2
[ $# -gt 0 ] || { echo "1..0 # SKIP no documentation is built (docs and man disabled or no Doxygen)"; exit 0; }
echo "1..$#"
n=0 fail=0
for p in "$@"; do
	n=$((n + 1))
	case "$p" in *.3) p=$(dirname "$p") ;; esac
	hits=$(grep -rlF -e "$src" -e "$build" "$p" 2>/dev/null | head -n 5)
	if [ -n "$hits" ]; then
		echo "not ok $n - ${p#"$build"/} names a build or source path"
		echo "$hits" | sed 's/^/# /'
		fail=1
	else
		echo "ok $n - ${p#"$build"/} has no build or source path"
	fi
done
exit $fail
