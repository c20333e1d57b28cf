# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Shared settings and helpers for the test rig's scripts (sourced, not run).

RIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$RIG_DIR/../.." && pwd)
PATCH_DIR=$TOP_DIR/kernel-patches
CACHE_ROOT=${LIBIOMMUFD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libiommufd}

# One line on stderr that says what failed and what to do, then exit non-zero.
die() {
	echo "rig: error: $*" >&2
	exit 1
}

note() {
	echo "rig: $*" >&2
}

# Read key=value from kernel-patches/source.
source_field() {
	sed -n "s/^$1=//p" "$PATCH_DIR/source" | head -n 1
}

KSRC_PACKAGE=${LIBIOMMUFD_KSRC_PACKAGE:-$(source_field package)}
KSRC_VERSION=${LIBIOMMUFD_KSRC_VERSION:-$(source_field version)}
KSRC_SUITE=${LIBIOMMUFD_KSRC_SUITE:-$(source_field suite)}

# Kernel variants: "" is the rig's kernel; a name adds the fragment
# kernel-patches/config/variants/NAME.config (e.g. debug: PROVE_LOCKING,
# DEBUG_ATOMIC_SLEEP, KASAN) on top of config/*.config.
KERNEL_VARIANT=${LIBIOMMUFD_KERNEL_VARIANT:-}

variant_fragment() {
	[ -z "$KERNEL_VARIANT" ] || echo "$PATCH_DIR/config/variants/$KERNEL_VARIANT.config"
}

# The kernel cache key: source version + config fragments + series + patches +
# the recipe that builds them. Any change gives a new key and a fresh build;
# the files' SPDX licence lines do not count (adding one rebuilds nothing).
kernel_key() {
	{
		echo "$KSRC_PACKAGE $KSRC_VERSION ${KERNEL_VARIANT:-default}"
		cat "$PATCH_DIR/series" "$PATCH_DIR"/config/*.config $(variant_fragment) |
			grep -v '^# SPDX-License-Identifier:'
		grep -v '^#' "$PATCH_DIR/series" | while read -r p; do
			[ -n "$p" ] && cat "$PATCH_DIR/$p"
		done
		cat "$RIG_DIR/build-kernel.sh"
	} | sha256sum | cut -c1-16
}

# Where the built kernel for the current sources lives (complete or absent).
kernel_cache_dir() {
	echo "$CACHE_ROOT/kernel/$KSRC_VERSION${KERNEL_VARIANT:+-$KERNEL_VARIANT}-$(kernel_key)"
}
