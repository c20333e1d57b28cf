#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# pkgconfig-install.sh BUILD_DIR SOURCE_DIR
# Install into a temporary prefix, then build and run a program outside the
# tree with nothing but `pkg-config --cflags --libs libiommufd`.
set -eu
build=$1 src=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --quiet >/dev/null
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
libdir=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="libdir"][0])')
case "$libdir" in /*) ;; *) libdir=$prefix/$libdir ;; esac
export PKG_CONFIG_PATH="$dest$libdir/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$dest"
cat >"$dest/prog.c" <<'C'
#include <stdio.h>
#include <iommufd/iommufd.h>
int main(void)
{
	IOMMUFD_OPTS(iommufd_ctx_opts, o, .path = "/nonexistent/iommu");
	struct iommufd_ctx *ctx = NULL;
	int rc = iommufd_ctx_new(&o, &ctx);
	printf("%s %d\n", iommufd_feature_name(IOMMUFD_FEATURE_HWPT_ALLOC), rc);
	return rc == -2 && !ctx ? 0 : 1;
}
C
cc -std=c11 -Wall -Werror -o "$dest/prog" "$dest/prog.c" $(pkg-config --cflags --libs libiommufd)
out=$(LD_LIBRARY_PATH="$dest$libdir" "$dest/prog")
[ "$out" = "hwpt_alloc -2" ] || { echo "unexpected output: $out" >&2; exit 1; }
echo "pkg-config: $(pkg-config --modversion libiommufd), program built and ran"
