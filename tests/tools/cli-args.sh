#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# The iommufd command's argument handling on the host (no device, no
# /dev/iommu needed): the usage text, where it goes, and the exit statuses
# that scripts rely on (tests/kernel/test-host.c checks the commands' work
# in the VM). Usage: cli-args.sh PATH-TO-IOMMUFD
tool=$1
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
usage='usage: iommufd list [--json] [--vfio | --vdpa]
       iommufd info <pci-address>
       iommufd bind <pci-address>
       iommufd unbind <pci-address> [--driver <name> | --none]
       iommufd check [<pci-address>] [--memlock <bytes>[K|M|G]]
       iommufd features
       iommufd mdev list [--json] | create <parent> <type> [<uuid>] | remove <uuid>'
n=0 failed=0

# check NAME STATUS STDOUT STDERR -- ARGS...: STDOUT/STDERR are the exact
# text, or "*" for anything
check() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 5
	n=$((n + 1))
	"$tool" "$@" >"$out" 2>"$err"
	rc=$?
	why=""
	[ "$rc" = "$want_rc" ] || why="exit status $rc, want $want_rc"
	[ "$want_out" = "*" ] || [ "$(cat "$out")" = "$want_out" ] || why="$why; stdout: $(cat "$out")"
	[ "$want_err" = "*" ] || [ "$(cat "$err")" = "$want_err" ] || why="$why; stderr: $(cat "$err")"
	if [ -z "$why" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name: $why"
		failed=1
	fi
}

check "no command: usage on stderr" 2 "" "$usage" --
check "-h: usage on stdout" 0 "$usage" "" -- -h
check "--help: usage on stdout" 0 "$usage" "" -- --help
check "--version" 0 "*" "" -- --version
check "unknown command" 2 "" "iommufd: unknown command 'frobnicate'
$usage" -- frobnicate
check "info without an address" 2 "" "$usage" -- info
check "info with two" 2 "" "$usage" -- info a b
check "bind without an address" 2 "" "$usage" -- bind
check "features with an argument" 2 "" "$usage" -- features x
check "list with an operand" 2 "" "$usage" -- list extra
check "list --vdpa --vfio" 2 "" "$usage" -- list --vdpa --vfio
check "list with an unknown option" 2 "" "list: unrecognized option '--bogus'
$usage" -- list --bogus
check "unbind without an address" 2 "" "$usage" -- unbind
check "check with two addresses" 2 "" "$usage" -- check a b
check "mdev without a subcommand" 2 "" "$usage" -- mdev
check "check --memlock that is not a size" 1 "" "iommufd: --memlock: 'lots' is not a size (e.g. 4G)" -- check --memlock lots
check "info of a malformed address" 1 "" "*" -- info 00:99
echo "1..$n"
exit $failed
