#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# The bash completion of the iommufd command (tools/iommufd.bash), without
# bash-completion's helpers: it offers the commands, the global options,
# each command's options, and knows every command of `iommufd help`.
# Usage: completion.sh PATH-TO-iommufd.bash PATH-TO-IOMMUFD. TAP output.
. "$1" || { echo "1..0 # the script does not load"; exit 1; }
tool=$2
n=0 failed=0

# complete WORDS...: what the completion offers for the last word
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_iommufd
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}

expect() {
	local name=$1 want=$2 got
	shift 2
	got=$(complete_words "$@")
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name: '$got', want '$want'"
		failed=1
	fi
}

expect "commands" "bind check exec features help info list mdev serve unbind version " iommufd ""
expect "exec options" "--rlimit-mode " iommufd exec --r
expect "serve options" "--allow-gid --allow-uid " iommufd serve --allow-
expect "commands after -j" "check " iommufd -j ch
expect "global options after one" "--pretty " iommufd --json --p
expect "global options" "--json " iommufd --j
expect "list options" "--vdpa --vfio " iommufd list --v
expect "check options" "--memlock " iommufd check --m
expect "check -q" "--quiet " iommufd check 00:03.0 --q
expect "unbind options" "--driver " iommufd unbind x --d
expect "info --probe" "--probe " iommufd info --p
expect "mdev subcommands" "create " iommufd mdev c
expect "help's commands" "list " iommufd help li
# every command the tool lists is one the completion offers
want=$("$tool" help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' | sort | tr '\n' ' ')
expect "the tool's commands, all of them" "$want" iommufd ""
echo "1..$n"
exit $failed
