#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# The rig's result parser (parse-results.awk) on made-up guest output: TAP
# counting, skips, a plan the output falls short of, exit statuses, and the
# kernel-log check (a report fails env/kernel-log-clean, is printed whole and
# names the program rig_run had marked as running). TAP output.
awk_file=${1:?path of parse-results.awk}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0

# expect NAME INPUT-FILE GREP-PATTERN...: each pattern is in the report
expect() {
	name=$1 in=$2
	shift 2
	n=$((n + 1))
	out=$(awk -f "$awk_file" "$in" 2>&1)
	for pat in "$@"; do
		if ! printf '%s\n' "$out" | grep -qF -- "$pat"; then
			bad=$((bad + 1))
			echo "not ok $n - $name: missing \"$pat\""
			printf '%s\n' "$out" | sed 's/^/# /'
			return
		fi
	done
	echo "ok $n - $name"
}
# refuse NAME INPUT-FILE PATTERN: the pattern is not in the report
refuse() {
	n=$((n + 1))
	if awk -f "$awk_file" "$2" | grep -qF -- "$3"; then
		bad=$((bad + 1))
		echo "not ok $n - $1: \"$3\" should not be there"
	else
		echo "ok $n - $1"
	fi
}

cat >"$tmp/tap" <<'X'
@@rig begin kernel a
1..4
ok 1 one
not ok 2 two
ok 3 three # SKIP no such thing
not ok 4 # SKIP cmocka's form
@@rig end kernel a rc=1
@@rig begin kernel b
all fine, no TAP
@@rig end kernel b rc=0
@@rig begin kernel c
@@rig end kernel c rc=77
@@rig begin kernel d
@@rig end kernel d rc=3
X
expect "TAP counts with both skip forms" "$tmp/tap" \
	"FAIL kernel/a: 1 passed, 1 failed, 2 skipped (exit 1)" "    not ok 2 two"
expect "a program without TAP: its exit status" "$tmp/tap" \
	"PASS kernel/b: 1 passed, 0 failed, 0 skipped" \
	"PASS kernel/c: 0 passed, 0 failed, 1 skipped (exit 77)" \
	"FAIL kernel/d: 0 passed, 1 failed, 0 skipped (exit 3)"
expect "per-tier sums" "$tmp/tap" "tier kernel 2 2 3"

cat >"$tmp/short" <<'X'
@@rig begin kernel e
1..3
ok 1 one
ok 2 twook 3 three
@@rig end kernel e rc=0
X
expect "output short of its plan fails" "$tmp/short" \
	"FAIL kernel/e: 2 passed, 1 failed, 0 skipped" "the TAP plan announced 3 tests, the output holds 2 results"

cat >"$tmp/after" <<'X'
@@rig begin kernel f
1..1
ok 1 one
@@rig end kernel f rc=2
X
expect "a non-zero exit after passing tests fails" "$tmp/after" \
	"FAIL kernel/f: 1 passed, 1 failed, 0 skipped (exit 2)" "exited with status 2 after its tests"

cat >"$tmp/clean" <<'X'
@@rig dmesg-begin
Linux version 7.3.4
rig: begin kernel/build/test-a
rig: end kernel/build/test-a rc=0
@@rig dmesg-end
X
expect "a clean kernel log passes" "$tmp/clean" "PASS env/kernel-log-clean" "tier env 1 0 0"

cat >"$tmp/splat" <<'X'
@@rig dmesg-begin
Linux version 7.3.4
rig: begin kernel/build/test-a
rig: end kernel/build/test-a rc=0
rig: begin kernel/build/test-b
==================================================================
BUG: KASAN: slab-use-after-free in thing_put+0x10/0x20
Read of size 8 at addr ffff888001234568 by task test-b/77
Call Trace:
 <TASK>
 thing_put+0x10/0x20
 </TASK>
==================================================================
rig: end kernel/build/test-b rc=0
WARNING: CPU: 1 PID: 9 at lib/other.c:1 other+0x1/0x2
@@rig dmesg-end
X
expect "a KASAN report fails, whole, with the program that ran" "$tmp/splat" \
	"FAIL env/kernel-log-clean: 3 warning line(s)" \
	"the first report in full (while kernel/build/test-b ran):" \
	"      Read of size 8 at addr ffff888001234568 by task test-b/77" \
	"       thing_put+0x10/0x20" "tier env 0 1 0"
refuse "the full report stops at its end line" "$tmp/splat" "      rig: end kernel/build/test-b"

cat >"$tmp/boot" <<'X'
@@rig dmesg-begin
Linux version 7.3.4
BUG: KASAN: wild-memory-access in do_raw_spin_lock+0x130/0x1de
Write of size 4 at addr ff1100000016a0a8 by task swapper/0/0
==================================================================
rig: begin kernel/build/test-a
rig: end kernel/build/test-a rc=0
@@rig dmesg-end
X
expect "a report before any program says so" "$tmp/boot" \
	"the first report in full (outside the test programs):"

cat >"$tmp/err" <<'X'
@@rig error modprobe vfio-pci failed
X
expect "a rig error fails the rig tier" "$tmp/err" "FAIL rig: modprobe vfio-pci failed" "tier rig 0 1 0"

echo "1..$n"
[ "$bad" = 0 ]
