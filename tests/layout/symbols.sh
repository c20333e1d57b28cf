#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# The layers of lib/ at the symbol level (doc/HACKING.md): base <- core <-
# dma, base <- host. Every undefined symbol of a layer's static archive is
# defined by that layer or one below it, or by none of the library's layers
# (external: libc, pthread, libudev, libkmod, the compiler's runtime); only
# host uses libudev and libkmod. Catches what the include check
# (layers.sh) cannot: a call through a declaration written in place.
# Usage: symbols.sh NM LAYER ARCHIVE [LAYER ARCHIVE...]. TAP output, one
# test per object file.
nm=${1:?nm}
shift
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
layers=
while [ $# -ge 2 ]; do
	layers="$layers $1"
	echo "$2" >"$tmp/archive.$1"
	"$nm" -P -g --defined-only "$2" | awk 'NF >= 2 && $1 !~ /:$/ { print $1 }' | sort -u >"$tmp/def.$1" || exit 1
	shift 2
done

below() { # the layers a layer may use, itself first
	case $1 in
	base) echo base ;;
	core) echo core base ;;
	dma) echo dma core base ;;
	host) echo host base ;;
	*) echo "$1" ;;
	esac
}

n=0 bad=0
for l in $layers; do
	a=$(cat "$tmp/archive.$l")
	allowed=$(below "$l")
	: >"$tmp/ok"
	for m in $allowed; do cat "$tmp/def.$m" >>"$tmp/ok"; done
	: >"$tmp/other"
	for m in $layers; do
		case " $allowed " in *" $m "*) continue ;; esac
		sed "s/\$/ $m/" "$tmp/def.$m" >>"$tmp/other"
	done
	# "archive[member]: sym U ..." -> "member sym"
	"$nm" -P -A -u "$a" | sed -nE 's/^[^[]*\[([^]]*)\]:[[:space:]]+([^[:space:]]+)[[:space:]].*/\1 \2/p' >"$tmp/undef" || exit 1
	"$nm" -P -A --defined-only "$a" | sed -nE 's/^[^[]*\[([^]]*)\]:.*/\1/p' | sort -u >"$tmp/members"
	cat "$tmp/undef" | cut -d' ' -f1 | sort -u >>"$tmp/members"
	for member in $(sort -u "$tmp/members"); do
		n=$((n + 1))
		obj=${member##*/}
		errs=$(awk -v m="$member" -v l="$l" -v ok="$tmp/ok" -v other="$tmp/other" '
			BEGIN {
				while ((getline s < ok) > 0) allowed[s] = 1
				while ((getline line < other) > 0) { split(line, f, " "); owner[f[1]] = f[2] }
			}
			$1 == m {
				s = $2
				if (s in allowed) next
				if (s in owner) { print s " (defined in " owner[s] ")"; next }
				if (l != "host" && s ~ /^(udev|kmod)_/) print s " (libudev/libkmod: host only)"
			}' "$tmp/undef")
		if [ -n "$errs" ]; then
			bad=$((bad + 1))
			echo "not ok $n - $l: $obj uses symbols of a layer it may not use ($(below "$l" | sed 's/ / and /g') only)"
			echo "$errs" | sed 's/^/# /'
		else
			echo "ok $n - $l: $obj"
		fi
	done
done
echo "1..$n"
[ "$bad" = 0 ]
