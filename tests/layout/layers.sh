#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# The layers of lib/ (doc/HACKING.md): base <- core <- dma, base <- host.
# A file may include headers of its own layer and of the layers below it,
# and only host/ may use libudev and libkmod. TAP output.
top=${1:?source root}
cd "$top/lib" || exit 1
n=0 bad=0
check() { # check LAYER FORBIDDEN-REGEX WHAT
	for f in "$1"/*.[ch]; do
		n=$((n + 1))
		hits=$(grep -nE "^#[[:space:]]*include[[:space:]]*[\"<]($2)" "$f")
		if [ -n "$hits" ]; then
			bad=$((bad + 1))
			echo "not ok $n - $f includes $3"
			echo "$hits" | sed 's/^/# /'
		else
			echo "ok $n - $f"
		fi
	done
}
check base 'core/|dma/|host/|libudev|libkmod' 'a header of a layer above base'
check core 'dma/|host/|libudev|libkmod' 'a dma or host header (core uses base only)'
check dma 'host/|libudev|libkmod' 'a host header (dma uses core and base only)'
check host 'core/|dma/' 'a core or dma header (host uses base only)'
echo "1..$n"
[ "$bad" = 0 ]
