#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Every exported function's documentation carries an @since tag.
inc=$1
fail=0
for h in "$inc"/*.h "$inc"/*.h.in; do
	awk -v file="$(basename "$h")" '
		/\/\*\*/ { doc = ""; indoc = 1 }
		indoc { doc = doc $0 "\n" }
		/\*\// { if (indoc) { last = doc }; indoc = 0 }
		/^IOMMUFD_API/ {
			name = $0; sub(/\(.*/, "", name); n = split(name, w, /[ *]+/); name = w[n]
			if (last !~ /@since/) { print file ": " name " has no @since"; bad = 1 }
			last = ""
		}
		END { exit bad }' "$h" || fail=1
done
exit $fail
