#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# check-man.sh MAP PAGE
# The man(3) pages next to PAGE: one per function of the version script MAP
# (and libiommufd.3), each named after its function in its NAME line, and
# each formatted by man(1) without a warning (lintian's check). TAP output.
map=$1 dir=$(dirname "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -oE '^\s+iommufd_[a-z0-9_]+;' "$map" | tr -d ' \t;' | sort -u >"$tmp/want"
echo libiommufd >>"$tmp/want"
sort -o "$tmp/want" "$tmp/want"
(cd "$dir" && ls -- *.3) | sed 's/\.3$//' | sort >"$tmp/have"
echo "1..3"
fail=0
if diff -u "$tmp/want" "$tmp/have" >"$tmp/diff"; then
	echo "ok 1 - one page per exported function ($(wc -l <"$tmp/have") pages)"
else
	echo "not ok 1 - the pages differ from the exported functions"
	sed 's/^/# /' "$tmp/diff"
	fail=1
fi
bad=""
while read -r name; do
	# NAME: "name \- text", as lexgrog (mandb's whatis parser) reads it
	line=$(sed -n '/^\.SH NAME/{n;p;q}' "$dir/$name.3")
	case "$line" in
	"$name \\- "?*) ;;
	*) bad="$bad $name" ;;
	esac
done <"$tmp/have"
if [ -z "$bad" ]; then
	echo "ok 2 - every NAME line is 'function \\- summary'"
else
	echo "not ok 2 - bad NAME line in:$bad"
	fail=1
fi
if command -v man >/dev/null; then
	for f in "$dir"/*.3; do
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null |
			sed "s|^|$(basename "$f"): |"
	done >"$tmp/warn"
	if [ -s "$tmp/warn" ]; then
		echo "not ok 3 - man --warnings reports problems"
		sed 's/^/# /' "$tmp/warn" | head -n 40
		fail=1
	else
		echo "ok 3 - man --warnings is silent on every page"
	fi
else
	echo "ok 3 # SKIP man(1) is not installed"
fi
exit $fail
