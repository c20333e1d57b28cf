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
       iommufd mdev list [--json] | create <parent> <type> [<uuid>] | remove <uuid>
       iommufd exec [--device <pci-address>]... [--user <user>] [--memlock <bytes>[K|M|G]] [--rlimit-mode user|process] [--connect <socket>] -- <program> [<args>...]
       iommufd serve --socket <path> --device <pci-address>... --allow-uid <uid>... [--allow-gid <gid>]... [--rlimit-mode user|process] [--once]'
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
check "check --memlock that is negative" 1 "" "iommufd: --memlock: '-2' is not a size (e.g. 4G)" -- check --memlock -2
check "check --memlock past 64 bits" 1 "" "iommufd: --memlock: '17179869184G' is not a size (e.g. 4G)" -- check --memlock 17179869184G
check "info of a malformed address" 1 "" "*" -- info 00:99
# exec and serve: what is refused before the host changes (tests/kernel/test-qemu.sh runs them in the VM)
exec_usage='usage: iommufd exec [--device <pci-address>]... [--user <user>] [--memlock <bytes>[K|M|G]] [--rlimit-mode user|process] [--connect <socket>] -- <program> [<args>...]'
serve_usage='usage: iommufd serve --socket <path> --device <pci-address>... --allow-uid <uid>... [--allow-gid <gid>]... [--rlimit-mode user|process] [--once]'
check "exec without a program" 2 "" "$usage" -- exec
check "exec with options and no program" 2 "" "$exec_usage" -- exec --device 00:03.0 --
check "exec with an unknown option" 2 "" "exec: unrecognized option '--bogus'
$exec_usage" -- exec --bogus -- true
check "exec: a placeholder of a device not given" 1 "" "iommufd: 'fd={dev:00:04.0}': {dev:00:04.0} is not one of the devices given" -- exec --device 00:03.0 -- true 'fd={dev:00:04.0}'
check "exec: an unterminated placeholder" 1 "" "iommufd: '{dev:00:03.0': a {dev: placeholder without its '}'" -- exec --device 00:03.0 -- true '{dev:00:03.0'
check "exec: a user that does not exist" 1 "" "iommufd: --user no-such-user-here: no such user" -- exec --user no-such-user-here -- true
check "exec: --rlimit-mode of neither kind" 1 "" "iommufd: --rlimit-mode: 'global' is neither user nor process" -- exec --rlimit-mode global -- true
check "exec: --memlock that is not a size" 1 "" "iommufd: --memlock: '4X' is not a size (e.g. 4G)" -- exec --memlock 4X -- true
check "exec: --connect to no socket" 1 "" "iommufd: --connect /nonexistent/iommufd.sock: No such file or directory" -- exec --connect /nonexistent/iommufd.sock -- true
check "serve without a socket" 2 "" "$serve_usage" -- serve --device 00:03.0 --allow-uid 0
check "serve without an allowed uid" 2 "" "$serve_usage" -- serve --socket /tmp/x.sock --device 00:03.0
check "serve: an allowed user that does not exist" 1 "" "iommufd: --allow-uid no-such-user-here: no such user" -- serve --socket /tmp/x.sock --device 00:03.0 --allow-uid no-such-user-here
check "serve: a socket path that is a file" 1 "" "iommufd: --socket $out exists and is not a socket" -- serve --socket "$out" --device 00:03.0 --allow-uid 0
echo "1..$n"
exit $failed
