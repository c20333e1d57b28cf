#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# One file owns each kernel object (doc/HACKING.md): every ioctl request
# constant of lib/base/uapi.h is issued from at most one file of lib/, and
# the table "Which file owns which ioctl" of doc/HACKING.md says which.
# A request constant is a UAPI_* object-like macro built with _IO, _IOR,
# _IOW, _IOWR or a function-like helper of uapi.h built with them
# (UAPI_IOMMUFD_IO); the *_NR numbers the feature probes of core/ctx.c
# build requests from are not requests. A file issues a constant when its
# code, outside comments and string literals, names it. TAP output.
top=${1:?source root}
cd "$top" || exit 1
uapi=lib/base/uapi.h
doc=doc/HACKING.md
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# uapi.h with continuation lines joined
join_lines() {
	awk '{ while ($0 ~ /\\$/ && (getline nxt) > 0) { sub(/\\$/, ""); $0 = $0 " " nxt } print }' "$1"
}
# C source without comments, string and character literals (line numbers kept)
strip_c() {
	awk '
	{
		s = $0; n = length(s); out = ""; i = 1
		while (i <= n) {
			c = substr(s, i, 1); c2 = substr(s, i, 2)
			if (st == "comment") {
				if (c2 == "*/") { st = ""; i += 2; out = out " " } else i++
				continue
			}
			if (st == "str" || st == "chr") {
				if (c == "\\") { i += 2; continue }
				if ((st == "str" && c == "\"") || (st == "chr" && c == "'\''")) st = ""
				i++
				continue
			}
			if (c2 == "/*") { st = "comment"; i += 2; continue }
			if (c2 == "//") break
			if (c == "\"") { st = "str"; out = out "\"\""; i++; continue }
			if (c == "'\''") { st = "chr"; out = out "0"; i++; continue }
			out = out c; i++
		}
		if (st == "str" || st == "chr") st = "" # unterminated: no multi-line literals in C
		print out
	}' "$1"
}

join_lines "$uapi" >"$tmp/uapi.h"
helpers=$(sed -nE 's/^#[[:space:]]*define[[:space:]]+(UAPI_[A-Za-z0-9_]+)\(.*[^A-Za-z0-9_]_IO(R|W|WR)?\(.*/\1/p' "$tmp/uapi.h")
pat='_IO|_IOR|_IOW|_IOWR'
for h in $helpers; do pat="$pat|$h"; done
consts=$(sed -nE "s/^#[[:space:]]*define[[:space:]]+(UAPI_[A-Za-z0-9_]+)[[:space:]]+(.*[^A-Za-z0-9_])?($pat)\\(.*/\\1/p" "$tmp/uapi.h" | sort -u)
if [ -z "$consts" ]; then
	echo "1..0 # SKIP no request constants found in $uapi (has its style changed?)"
	exit 1
fi

# the sources, stripped
find lib -name '*.[ch]' ! -path "$uapi" | sort >"$tmp/files"
while read -r f; do
	mkdir -p "$tmp/src/$(dirname "$f")"
	strip_c "$f" >"$tmp/src/$f"
done <"$tmp/files"

# the table: "| NAME | lib/file.c | ... |" rows of the section
awk '/^## /{ on = ($0 ~ /^## Which file owns which ioctl/) ; next } on && /^\|/' "$doc" |
	sed -E 's/`//g; s/^\|[[:space:]]*//; s/[[:space:]]*\|[[:space:]]*/|/g' |
	awk -F'|' '$1 ~ /^[A-Z][A-Z0-9_]*$/ { print $1, $2 }' >"$tmp/table"

n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }
for c in $consts; do
	name=${c#UAPI_}
	owners=$(cd "$tmp/src" && grep -rlw -- "$c" lib | sort)
	count=$(echo "$owners" | grep -c .)
	row=$(awk -v k="$name" '$1 == k { print $2 }' "$tmp/table")
	if [ "$count" -gt 1 ]; then
		fail "$c is issued from $count files: $(echo $owners | sed 's/ / and /g') (one file owns each kernel object)"
		(cd "$tmp/src" && grep -rnw -- "$c" lib) | sed 's/^/# /'
	elif [ "$count" = 1 ] && [ "$row" != "$owners" ]; then
		fail "$c is issued from $owners, but $doc's table says ${row:-nothing}"
	elif [ "$count" = 0 ] && [ -n "$row" ] && [ "$row" != "-" ]; then
		fail "$c is issued from no file, but $doc's table says $row"
	elif [ "$count" = 1 ]; then
		ok "$c: $owners"
	else
		ok "$c: not issued"
	fi
done
# rows naming no request constant are stale
while read -r name file; do
	echo "$consts" | grep -qx "UAPI_$name" && continue
	fail "$doc's table names $name, which is no request constant of $uapi"
done <"$tmp/table"
echo "1..$n"
[ "$bad" = 0 ]
