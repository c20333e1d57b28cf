#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Build (or find in the cache) the rig's kernel: Debian's source + kernel-patches/,
# config fragment on tinyconfig, bzImage + modules + `make headers` + the kernel's
# own iommu selftests. Prints the cache directory. An entry is complete only if it
# holds DONE: it is assembled in a temporary directory and renamed into place.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dest=$(kernel_cache_dir)
if [ -f "$dest/DONE" ]; then
	echo "$dest"
	exit 0
fi

for tool in make gcc flex bison bc cpio depmod patch xz; do
	command -v "$tool" >/dev/null || die "'$tool' is missing: run tests/deps.sh (or apt-get install flex bison bc libelf-dev libssl-dev cpio kmod patch xz-utils)"
done

mkdir -p "$CACHE_ROOT/kernel" "$CACHE_ROOT/work"
exec 9>"$CACHE_ROOT/build.lock"
flock 9
if [ -f "$dest/DONE" ]; then # another run built it while we waited
	echo "$dest"
	exit 0
fi

deb=$("$RIG_DIR/fetch-source.sh")
note "building kernel $KSRC_PACKAGE $KSRC_VERSION + $(grep -cv '^#' "$PATCH_DIR/series") patch(es); cache: $dest"
start=$(date +%s)

# --- the source tree, with the series applied; reused while the series is unchanged ---
series_hash=$({ echo "$KSRC_VERSION"; cat "$PATCH_DIR/series" "$PATCH_DIR"/*.patch 2>/dev/null; } | sha256sum | cut -c1-16)
tree=$CACHE_ROOT/work/linux-$KSRC_VERSION
if [ "$(cat "$tree/.rig-series" 2>/dev/null)" != "$series_hash" ]; then
	rm -rf "$tree"
	tmp=$(mktemp -d "$CACHE_ROOT/work/extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	note "unpacking $(basename "$deb")"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz' ||
		die "cannot unpack $deb: delete it and rerun to fetch it again"
	tar -xJf "$tmp"/usr/src/linux-source-*.tar.xz -C "$tmp" || die "cannot unpack the kernel tarball in $deb"
	src=$(ls -d "$tmp"/linux-source-* | grep -v '\.tar' | head -n1)
	grep -v '^#' "$PATCH_DIR/series" | while read -r p; do
		[ -n "$p" ] || continue
		patch -d "$src" -p1 --batch --forward --quiet <"$PATCH_DIR/$p" >"$tmp/patch.log" 2>&1 ||
			die "kernel-patches/$p does not apply to $KSRC_PACKAGE $KSRC_VERSION: $(head -n1 "$tmp/patch.log"); rebase it onto that version"
	done
	echo "$series_hash" >"$src/.rig-series"
	mv "$src" "$tree"
	rm -rf "$tmp"
	trap - EXIT
fi

# --- configuration: tinyconfig + our fragment, and every fragment symbol must survive ---
log=$CACHE_ROOT/work/build.log
: >"$log"
make -C "$tree" -s tinyconfig >>"$log" 2>&1 || die "make tinyconfig failed; see $log"
"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" "$PATCH_DIR"/config/*.config >>"$log" 2>&1 ||
	die "merging kernel-patches/config/*.config failed; see $log"
make -C "$tree" -s olddefconfig >>"$log" 2>&1 || die "make olddefconfig failed; see $log"
lost=""
while read -r line; do
	case "$line" in
	"# CONFIG_"*" is not set") sym=${line#"# "}; sym=${sym%% *}; want=n ;;
	CONFIG_*=*) sym=${line%%=*}; want=${line#*=} ;;
	*) continue ;;
	esac
	got=$(sed -n "s/^$sym=//p" "$tree/.config")
	[ -n "$got" ] || got=n
	[ "$got" = "$want" ] || lost="$lost $sym=$want(got $got)"
done < <(cat "$PATCH_DIR"/config/*.config)
[ -z "$lost" ] || die "config symbols did not survive olddefconfig:$lost; fix their dependencies in kernel-patches/config/"

# --- build ---
note "make -j2 bzImage modules (log: $log)"
if ! make -C "$tree" -j2 bzImage modules >>"$log" 2>&1; then
	die "kernel build failed: $(grep -m1 -E 'error|Error' "$log" || tail -n1 "$log"); full log: $log"
fi
make -C "$tree" -s headers >>"$log" 2>&1 || die "make headers failed; see $log"
note "building tools/testing/selftests/iommu"
make -C "$tree/tools/testing/selftests/iommu" LDFLAGS=-static >>"$log" 2>&1 ||
	die "the kernel's iommu selftests did not build (static, needs libcap-dev); see $log"

# --- assemble the cache entry, then publish it with one rename ---
stage=$(mktemp -d "$CACHE_ROOT/kernel/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
release=$(make -C "$tree" -s kernelrelease)
cp "$tree/arch/x86/boot/bzImage" "$tree/.config" "$stage/"
make -C "$tree" -s modules_install INSTALL_MOD_PATH="$stage/modroot" DEPMOD=/sbin/depmod >>"$log" 2>&1 ||
	die "modules_install failed; see $log"
rm -f "$stage/modroot/lib/modules/$release/build" "$stage/modroot/lib/modules/$release/source"
mkdir -p "$stage/headers" "$stage/selftests"
cp -a "$tree/usr/include/." "$stage/headers/"
cp "$tree/tools/testing/selftests/iommu/iommufd" "$tree/tools/testing/selftests/iommu/iommufd_fail_nth" "$stage/selftests/"
cat >"$stage/info" <<INFO
package=$KSRC_PACKAGE
version=$KSRC_VERSION
release=$release
key=$(basename "$dest")
built=$(date -u +%Y-%m-%dT%H:%M:%SZ)
build_seconds=$(($(date +%s) - start))
INFO
chmod 755 "$stage"
touch "$stage/DONE"
rm -rf "$dest"
mv "$stage" "$dest"
trap - EXIT
# Keep the six newest entries (about 20 MB each: branches and kernel variants
# share the cache); older ones are rebuilt if ever needed again.
ls -1dt "$CACHE_ROOT"/kernel/*/ 2>/dev/null | tail -n +7 | while read -r old; do
	[ -f "$old/DONE" ] && rm -rf "$old"
done
note "kernel $release built in $(($(date +%s) - start)) s"
echo "$dest"
