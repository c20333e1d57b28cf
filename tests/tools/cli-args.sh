#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# The iommufd command's argument handling on the host (no device, no
# /dev/iommu needed): the help of every command, where it goes, the one
# line of every usage error, and the exit statuses that scripts rely on
# (tests/kernel/test-host.c and test-cli.c check the commands' work in the
# VM; cli-json.py their JSON). Usage: cli-args.sh PATH-TO-IOMMUFD
tool=$1
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
commands="list info bind unbind check features version mdev exec serve help"
n=0 failed=0

result() {
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: $2"
		failed=1
	fi
}

# check NAME STATUS STDOUT STDERR -- ARGS...: STDOUT/STDERR are the exact
# text, or "*" for anything
check() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 5
	"$tool" "$@" >"$out" 2>"$err"
	rc=$?
	why=""
	[ "$rc" = "$want_rc" ] || why="exit status $rc, want $want_rc"
	[ "$want_out" = "*" ] || [ "$(cat "$out")" = "$want_out" ] || why="$why; stdout: $(cat "$out")"
	[ "$want_err" = "*" ] || [ "$(cat "$err")" = "$want_err" ] || why="$why; stderr: $(cat "$err")"
	result "$name" "$why"
}

# usage NAME "CMD: MESSAGE" -- ARGS...: exit 2, nothing on stdout, exactly
# this one line on stderr (CMD "" for the tool's own errors)
usage() {
	name=$1 msg=$2
	shift 3
	case "$msg" in
	*": "*) cmd=${msg%%: *} ;;
	*) cmd="" ;;
	esac
	if [ -n "$cmd" ] && [ "$cmd" != "$msg" ] && echo " $commands " | grep -q " $cmd "; then
		line="iommufd: $msg (try 'iommufd $cmd --help')"
	else
		line="iommufd: $msg (try 'iommufd help')"
	fi
	check "usage error: $name" 2 "" "$line" -- "$@"
	[ "$(wc -l <"$err")" = 1 ] || result "usage error: $name is one line" "$(wc -l <"$err") lines"
}

# the tool's help
"$tool" help >"$out" 2>"$err"
top=$(cat "$out")
case "$top" in
"usage: iommufd "*) result "help: usage first" "" ;;
*) result "help: usage first" "$top" ;;
esac
for c in $commands; do
	echo "$top" | grep -q "^  $c  *[a-z]" || { result "help lists $c" "not in: $top"; continue; }
	result "help lists $c" ""
done
check "-h is help" 0 "$top" "" -- -h
check "--help is help" 0 "$top" "" -- --help

# every command's help, three ways, the same text
for c in $commands; do
	"$tool" help "$c" >"$out" 2>"$err"
	rc=$? text=$(cat "$out")
	why=""
	[ "$rc" = 0 ] || why="exit status $rc"
	[ -s "$err" ] && why="$why; stderr: $(cat "$err")"
	case "$text" in
	"usage: iommufd $c"*) ;;
	*) why="$why; stdout: $text" ;;
	esac
	[ "$(echo "$text" | wc -l)" -ge 3 ] || why="$why; no summary or options"
	result "help $c" "$why"
	check "$c --help" 0 "$text" "" -- "$c" --help
	check "$c -h" 0 "$text" "" -- "$c" -h
done
check "help after the operands" 0 "$("$tool" help check)" "" -- check 00:01.0 --memlock 4G --help

# versions
v=$("$tool" --version)
case "$v" in
"iommufd "[0-9]*.[0-9]*.[0-9]*) result "--version: iommufd X.Y.Z" "" ;;
*) result "--version: iommufd X.Y.Z" "$v" ;;
esac
check "-V" 0 "$v" "" -- -V
"$tool" version >"$out" 2>"$err"
rc=$?
[ "$rc" = 0 ] && [ "$(head -n1 "$out")" = "$v" ] && grep -q '^backend: ' "$out" && grep -q '^features:' "$out" &&
	! [ -s "$err" ]
result "version: the library, its backend and the features" "$([ $? = 0 ] || echo "exit $rc: $(cat "$out" "$err")")"
"$tool" check >"$out" 2>"$err"
rc=$?
{ [ "$rc" = 0 ] || [ "$rc" = 1 ]; } && grep -Eq '^INFO  backend: (iommufd|vfio-type1|none) \(' "$out" && ! [ -s "$err" ]
result "check: an INFO line names the backend" "$([ $? = 0 ] || echo "exit $rc: $(cat "$out" "$err")")"

# usage errors: one line each, exit 2
usage "no command" "no command given" --
usage "unknown command" "unknown command 'frobnicate'" -- frobnicate
usage "unknown global option" "unknown option '--bogus'" -- --bogus list
usage "unknown short global option" "unknown option '-x'" -- -x list
usage "only the end of options" "no command given" -- --
usage "info without an address" "info: missing device address" -- info
usage "info with two" "info: unexpected argument 'b'" -- info a b
usage "info with an unknown option" "info: unknown option '--bogus'" -- info a --bogus
usage "bind without an address" "bind: missing device address" -- bind
usage "bind with two" "bind: unexpected argument 'b'" -- bind a b
usage "bind with an option" "bind: unknown option '--force'" -- bind --force a
usage "unbind without an address" "unbind: missing device address" -- unbind
usage "unbind --driver without a name" "unbind: option '--driver' needs an argument" -- unbind a --driver
usage "unbind -d without a name" "unbind: option '-d' needs an argument" -- unbind a -d
usage "unbind --driver ''" "unbind: --driver needs a driver name (--none leaves the device without one)" -- unbind a --driver ""
usage "unbind --none --driver" "unbind: --driver and --none exclude each other, and each is given once" -- unbind a --none --driver x
usage "features with an argument" "features: unexpected argument 'x'" -- features x
usage "version with an argument" "version: unexpected argument 'x'" -- version x
usage "list with an operand" "list: unexpected argument 'extra'" -- list extra
usage "list --vdpa --vfio" "list: --vfio and --vdpa exclude each other" -- list --vdpa --vfio
usage "list --probe without --vdpa" "list: --probe applies to --vdpa only (PCI listing never opens a device)" -- list --probe
usage "list with an unknown option" "list: unknown option '--bogus'" -- list --bogus
usage "list with an ambiguous option" "list: option '--v' is ambiguous" -- list --v
usage "list with an unknown short option" "list: unknown option '-z'" -- list -z
usage "check with two addresses" "check: unexpected argument 'b' (one device at a time)" -- check a b
usage "check --memlock without a size" "check: option '--memlock' needs an argument" -- check --memlock
usage "check --memlock that is not a size" "check: --memlock: 'lots' is not a size (e.g. 4G)" -- check --memlock lots
usage "check --memlock that is negative" "check: --memlock: '-2' is not a size (e.g. 4G)" -- check --memlock -2
usage "check --memlock past 64 bits" "check: --memlock: '17179869184G' is not a size (e.g. 4G)" -- check --memlock 17179869184G
usage "check -m=" "check: --memlock: '' is not a size (e.g. 4G)" -- check --memlock=
usage "check with an unknown option" "check: unknown option '-x'" -- check -x
usage "mdev without a subcommand" "mdev: missing subcommand (list, create or remove)" -- mdev
usage "mdev with an unknown subcommand" "mdev: unknown subcommand 'frob' (list, create or remove)" -- mdev frob
usage "mdev list with an argument" "mdev: list: unexpected argument 'x'" -- mdev list x
usage "mdev create without a type" "mdev: create: missing type" -- mdev create p
usage "mdev create without anything" "mdev: create: missing parent and type" -- mdev create
usage "mdev create with four" "mdev: create: unexpected argument 'd'" -- mdev create a b c d
usage "mdev remove without a UUID" "mdev: remove: missing UUID" -- mdev remove
usage "mdev remove with two" "mdev: remove: unexpected argument 'b'" -- mdev remove a b
usage "help of an unknown command" "help: unknown command 'frob'" -- help frob
usage "help of two" "help: expected at most one command, got 2 words" -- help a b

# failures that are not usage: one line, exit 1
check "info of a malformed address" 1 "" "*" -- info 00:99
[ "$(wc -l <"$err")" = 1 ] && grep -q "'00:99' is not a PCI address" "$err"
result "info of a malformed address: one line that says so" "$([ $? = 0 ] || cat "$err")"
check "check of a malformed address: could not check (3)" 3 "" "*" -- check 00:99
[ "$(wc -l <"$err")" = 1 ]
result "check of a malformed address: one line" "$([ $? = 0 ] || cat "$err")"

# check: every line a PASS, WARN, FAIL or INFO (and its fix), then the verdict
"$tool" check --memlock 1M >"$out" 2>"$err"
rc=$?
why=""
[ "$rc" = 0 ] || [ "$rc" = 1 ] || why="exit status $rc"
bad=$(sed '$d' "$out" | grep -vE '^(PASS|WARN|FAIL|INFO)  [^ ].*: |^      fix: ')
[ -z "$bad" ] || why="$why; lines: $bad"
last=$(tail -n1 "$out")
{ [ "$rc" = 0 ] && [ "$last" = ready ]; } || { [ "$rc" = 1 ] && [ "$last" = "not ready" ]; } ||
	why="$why; verdict '$last' with exit $rc"
[ "$rc" = 1 ] && ! grep -q '^FAIL' "$out" && why="$why; not ready without a FAIL"
result "check: a line per check, the verdict and its exit status" "$why"
fails=$(grep -c '^FAIL' "$out")
"$tool" check --memlock 1M -q >"$out" 2>"$err"
rc2=$?
why=""
[ "$rc2" = "$rc" ] || why="exit status $rc2, without -q $rc"
bad=$(grep -vE '^FAIL  |^      fix: ' "$out")
[ -z "$bad" ] || why="$why; lines: $bad"
[ "$(grep -c '^FAIL' "$out")" = "$fails" ] || why="$why; not the same failures"
result "check -q: the failures only" "$why"

# exec and serve: what is refused before the host changes (tests/kernel/test-qemu.c runs them in the VM)
usage "exec without a program" "exec: no program to run (-- PROGRAM [ARG]...)" -- exec
usage "exec with options and no program" "exec: no program to run (-- PROGRAM [ARG]...)" -- exec --device 00:03.0 --
usage "exec with an unknown option" "exec: unknown option '--bogus'" -- exec --bogus -- true
usage "exec: --rlimit-mode of neither kind" "exec: --rlimit-mode: 'global' is neither user nor process" -- exec --rlimit-mode global -- true
usage "exec: --memlock that is not a size" "exec: --memlock: '4X' is not a size (e.g. 4G)" -- exec --memlock 4X -- true
usage "exec: --rlimit-mode with --connect" "exec: --rlimit-mode is the helper's to set with --connect (iommufd serve --rlimit-mode)" -- exec --connect /x --rlimit-mode user -- true
check "exec: a placeholder of a device not given" 1 "" "iommufd: 'fd={dev:00:04.0}': {dev:00:04.0} is not one of the devices given" -- exec --device 00:03.0 -- true 'fd={dev:00:04.0}'
check "exec: an unterminated placeholder" 1 "" "iommufd: '{dev:00:03.0': a {dev: placeholder without its '}'" -- exec --device 00:03.0 -- true '{dev:00:03.0'
check "exec: a user that does not exist" 1 "" "iommufd: --user no-such-user-here: no such user" -- exec --user no-such-user-here -- true
check "exec: --connect to no socket" 1 "" "iommufd: --connect /nonexistent/iommufd.sock: No such file or directory" -- exec --connect /nonexistent/iommufd.sock -- true
usage "serve without a socket" "serve: --socket PATH is needed" -- serve --device 00:03.0 --allow-uid 0
usage "serve without a device" "serve: at least one --device is needed" -- serve --socket /tmp/x.sock --allow-uid 0
usage "serve without an allowed uid" "serve: at least one --allow-uid or --allow-gid is needed" -- serve --socket /tmp/x.sock --device 00:03.0
check "serve: an allowed user that does not exist" 1 "" "iommufd: --allow-uid no-such-user-here: no such user" -- serve --socket /tmp/x.sock --device 00:03.0 --allow-uid no-such-user-here
check "serve: a socket path that is a file" 1 "" "iommufd: --socket $out exists and is not a socket" -- serve --socket "$out" --device 00:03.0 --allow-uid 0

echo "1..$n"
exit $failed
