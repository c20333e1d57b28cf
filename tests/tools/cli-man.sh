#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# iommufd(1) documents what the command has: every command of `iommufd help`
# in SYNOPSIS and COMMANDS, each command's options of its --help, every exit
# status and the JSON section. Usage: cli-man.sh PATH-TO-IOMMUFD MAN-PAGE.
tool=$1 page=$2
n=0 failed=0
result() {
	n=$((n + 1))
	if [ -z "$2" ]; then echo "ok $n - $1"; else echo "not ok $n - $1: $2"; failed=1; fi
}
section() { # the roff text of section $1
	awk -v s="$1" '/^\.SH / { on = ($0 == ".SH " s || $0 == ".SH \"" s "\"") ; next } on' "$page"
}
commands=$("$tool" help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
for c in $commands; do
	section SYNOPSIS | grep -q "^\.B iommufd $c\$\|^\.B iommufd $c " || { result "SYNOPSIS has $c" "missing"; continue; }
	section COMMANDS | grep -q "^\.B $c\$" || { result "COMMANDS has $c" "missing"; continue; }
	# the long options of its help, as \-\-name in the page
	missing=""
	for o in $("$tool" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')" "$page" || missing="$missing $o"
	done
	result "$c: SYNOPSIS, COMMANDS and its options" "$missing"
done
for o in json pretty version help; do
	section OPTIONS | grep -q -- "\\\\-\\\\-$o" || result "OPTIONS has --$o" "missing"
done
result "OPTIONS has the global options" ""
for s in 0 1 2 3; do
	section "EXIT STATUS" | grep -q "^\.B $s\$" || result "EXIT STATUS $s" "missing"
done
result "EXIT STATUS lists 0 to 3" ""
for c in list info check features version mdev help; do
	section "JSON OUTPUT" | grep -q "^\.B $c\$\|^\.BR $c " || result "JSON OUTPUT has $c" "missing"
done
result "JSON OUTPUT describes each command" ""
echo "1..$n"
exit $failed
