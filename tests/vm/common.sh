# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Shared settings and helpers for the test rig's scripts (sourced, not run).

RIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$RIG_DIR/../.." && pwd)
CACHE_ROOT=${LIBIOMMUFD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libiommufd}

# One line on stderr that says what failed and what to do, then exit non-zero.
die() {
	echo "rig: error: $*" >&2
	exit 1
}

note() {
	echo "rig: $*" >&2
}

# The kernel matrix: the primary kernel (the library's target, with the
# project's patches) is kernel-patches/ itself; each other kernel of the
# matrix is a directory kernel-patches/NAME/ laid out the same way (source,
# series, config/). LIBIOMMUFD_KERNEL=NAME (or rig --kernel NAME) picks one;
# empty, or the primary's name, is the primary.
PRIMARY_PATCH_DIR=$TOP_DIR/kernel-patches
primary_kernel_name() {
	sed -n 's/^name=//p' "$PRIMARY_PATCH_DIR/source" | head -n 1
}
# The names of the matrix, the primary first.
matrix_kernels() {
	primary_kernel_name
	for d in "$PRIMARY_PATCH_DIR"/*/; do
		[ -f "$d/source" ] && basename "$d"
	done | sort -rV
}
KERNEL_NAME=${LIBIOMMUFD_KERNEL:-}
[ "$KERNEL_NAME" != "$(primary_kernel_name)" ] || KERNEL_NAME=""
case "$KERNEL_NAME" in
"") PATCH_DIR=$PRIMARY_PATCH_DIR ;;
*/* | .*) die "LIBIOMMUFD_KERNEL=$KERNEL_NAME is not a kernel name (one of: $(matrix_kernels | tr '\n' ' '))" ;;
*)
	PATCH_DIR=$PRIMARY_PATCH_DIR/$KERNEL_NAME
	[ -f "$PATCH_DIR/source" ] || die "no kernel '$KERNEL_NAME' in the matrix: kernel-patches/$KERNEL_NAME/source does not exist (there are: $(matrix_kernels | tr '\n' ' '))"
	;;
esac

# Read key=value from the kernel's source file.
source_field() {
	sed -n "s/^$1=//p" "$PATCH_DIR/source" | head -n 1
}

KSRC_PACKAGE=${LIBIOMMUFD_KSRC_PACKAGE:-$(source_field package)}
KSRC_PINNED=${LIBIOMMUFD_KSRC_VERSION:-$(source_field version)}
KSRC_SUITES=${LIBIOMMUFD_KSRC_SUITES:-$(source_field suites)}
# Debian's security updates replace a source version every few weeks. When
# the pinned one has left the archive, fetch-source.sh takes the newest of
# the same package and records it here; the cache is keyed by that version.
resolved_file() {
	echo "$CACHE_ROOT/src/${KSRC_PACKAGE}_${KSRC_PINNED}.resolved"
}
KSRC_VERSION=$KSRC_PINNED
if [ -z "${LIBIOMMUFD_KSRC_VERSION:-}" ] && [ -s "$(resolved_file)" ]; then
	KSRC_VERSION=$(cat "$(resolved_file)")
fi

# Kernel variants: "" is the rig's kernel; a name adds the fragment
# kernel-patches/config/variants/NAME.config (e.g. debug: PROVE_LOCKING,
# DEBUG_ATOMIC_SLEEP, KASAN) on top of config/*.config.
KERNEL_VARIANT=${LIBIOMMUFD_KERNEL_VARIANT:-}

variant_fragment() {
	[ -z "$KERNEL_VARIANT" ] || echo "$PATCH_DIR/config/variants/$KERNEL_VARIANT.config"
}

# The patches the series lists, one per line (none is fine).
series_entries() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$PATCH_DIR/series" || true
}

# The kernel cache key: source version + config fragments + series + patches +
# the selftests and module list of the source file + the recipe that builds them. Any change gives a new key and a fresh build;
# the files' SPDX licence lines do not count (adding one rebuilds nothing).
kernel_key() {
	{
		echo "$KSRC_PACKAGE $KSRC_VERSION ${KERNEL_VARIANT:-default}"
		# what the entry holds besides the kernel
		echo "selftests=$(source_field selftests) modules=$(source_field modules)"
		cat "$PATCH_DIR/series" "$PATCH_DIR"/config/*.config $(variant_fragment) |
			grep -v '^# SPDX-License-Identifier:'
		series_entries | while read -r p; do
			[ -n "$p" ] && cat "$PATCH_DIR/$p"
		done
		cat "$RIG_DIR/build-kernel.sh"
	} | sha256sum | cut -c1-16
}

# Where the built kernel for the current sources lives (complete or absent).
kernel_cache_dir() {
	echo "$CACHE_ROOT/kernel/$KSRC_VERSION${KERNEL_VARIANT:+-$KERNEL_VARIANT}-$(kernel_key)"
}
