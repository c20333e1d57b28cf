#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Build (or find in the cache) a kernel of the rig's matrix (the primary one, or
# LIBIOMMUFD_KERNEL=NAME for kernel-patches/NAME/): Debian's source + its patches,
# config fragment on tinyconfig, bzImage + modules + `make headers` + the kernel's
# own iommu selftests. Prints the cache directory. An entry is complete only if it
# holds DONE: it is assembled in a temporary directory and renamed into place.
#   build-kernel.sh [VARIANT]   VARIANT: a kernel-patches/config/variants/*.config
#                               name (e.g. debug); default: the rig's kernel
set -euo pipefail
[ -z "${1:-}" ] || export LIBIOMMUFD_KERNEL_VARIANT=$1
. "$(dirname "$0")/common.sh"
if [ -n "$KERNEL_VARIANT" ] && [ ! -f "$(variant_fragment)" ]; then
	die "no kernel variant '$KERNEL_VARIANT': $(variant_fragment) does not exist"
fi

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
# The version fetched is newer than the pinned one when that has left the
# archive (fetch-source.sh said so): the cache is keyed by what is built.
got_version=$(dpkg-deb -f "$deb" Version) || die "cannot read the version of $deb"
if [ "$got_version" != "$KSRC_VERSION" ]; then
	KSRC_VERSION=$got_version
	dest=$(kernel_cache_dir)
	if [ -f "$dest/DONE" ]; then
		echo "$dest"
		exit 0
	fi
fi
note "building kernel $KSRC_PACKAGE $KSRC_VERSION${KERNEL_VARIANT:+ ($KERNEL_VARIANT)} + $(series_entries | wc -l) patch(es); cache: $dest"
start=$(date +%s)

# --- the source tree, with the series applied; reused while the series is unchanged ---
# Objects go to one directory per variant (make O=...), so the variants share
# the tree and each rebuilds incrementally; "layout=O" keeps a tree that an
# in-tree build used from being taken for a clean one.
# Only the patches `series` lists count (not the cover letter).
series_hash=$({
	echo "$KSRC_VERSION layout=O"
	cat "$PATCH_DIR/series"
	series_entries | while read -r p; do
		[ -n "$p" ] && cat "$PATCH_DIR/$p"
	done
} | sha256sum | cut -c1-16)
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
	# Debian's tarball carries a configured tree; out-of-tree builds need a clean one
	rm -rf "$src/.config" "$src/.config.old" "$src/include/config" "$src/include/generated" \
		"$src/arch/x86/include/generated"
	series_entries | while read -r p; do
		[ -n "$p" ] || continue
		patch -d "$src" -p1 --batch --forward --quiet <"$PATCH_DIR/$p" >"$tmp/patch.log" 2>&1 ||
			die "kernel-patches/$p does not apply to $KSRC_PACKAGE $KSRC_VERSION: $(head -n1 "$tmp/patch.log"); rebase it onto that version"
	done
	echo "$series_hash" >"$src/.rig-series"
	mv "$src" "$tree"
	rm -rf "$tmp"
	trap - EXIT
fi

# --- the object directory of this variant: kept while the series is unchanged ---
obj=$CACHE_ROOT/work/obj${KERNEL_NAME:+-$KERNEL_NAME}-${KERNEL_VARIANT:-default}
if [ "$(cat "$obj/.rig-series" 2>/dev/null)" != "$series_hash" ]; then
	rm -rf "$obj"
	mkdir -p "$obj"
	echo "$series_hash" >"$obj/.rig-series"
fi
kmake() { make -C "$tree" O="$obj" "$@"; }

# --- configuration: tinyconfig + our fragments, and every fragment symbol must survive ---
log=$CACHE_ROOT/work/build${KERNEL_NAME:+-$KERNEL_NAME}${KERNEL_VARIANT:+-$KERNEL_VARIANT}.log
: >"$log"
fragments=("$PATCH_DIR"/config/*.config $(variant_fragment))
kmake -s tinyconfig >>"$log" 2>&1 || die "make tinyconfig failed; see $log"
"$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${fragments[@]}" >>"$log" 2>&1 ||
	die "merging kernel-patches/config/*.config${KERNEL_VARIANT:+ and variants/$KERNEL_VARIANT.config} failed; see $log"
kmake -s olddefconfig >>"$log" 2>&1 || die "make olddefconfig failed; see $log"
# The value each symbol gets from the last fragment that sets it (a variant
# may turn off what rig.config turns on), in the order first set.
lost=""
declare -A want_of=()
order=()
while read -r line; do
	case "$line" in
	"# CONFIG_"*" is not set") sym=${line#"# "}; sym=${sym%% *}; want=n ;;
	CONFIG_*=*) sym=${line%%=*}; want=${line#*=} ;;
	*) continue ;;
	esac
	[ -n "${want_of[$sym]+set}" ] || order+=("$sym")
	want_of[$sym]=$want
done < <(cat "${fragments[@]}")
for sym in "${order[@]}"; do
	want=${want_of[$sym]}
	got=$(sed -n "s/^$sym=//p" "$obj/.config")
	[ -n "$got" ] || got=n
	[ "$got" = "$want" ] || lost="$lost $sym=$want(got $got)"
done
[ -z "$lost" ] || die "config symbols did not survive olddefconfig:$lost; fix their dependencies in ${PATCH_DIR#"$TOP_DIR"/}/config/"

# --- build ---
note "make -j2 bzImage modules (log: $log)"
if ! kmake -j2 bzImage modules >>"$log" 2>&1; then
	die "kernel build failed: $(grep -m1 -E 'error|Error' "$log" || tail -n1 "$log"); full log: $log"
fi
kmake -s headers >>"$log" 2>&1 || die "make headers failed; see $log"
# The selftests the source file lists (none for a kernel without iommufd).
selftests=$(source_field selftests)
if [ -n "$selftests" ]; then
	note "building tools/testing/selftests/iommu"
	mkdir -p "$obj/selftests-iommu"
	make -C "$tree/tools/testing/selftests/iommu" OUTPUT="$obj/selftests-iommu" \
		KHDR_INCLUDES="-isystem $obj/usr/include" LDFLAGS=-static >>"$log" 2>&1 ||
		die "the kernel's iommu selftests did not build (static, needs libcap-dev); see $log"
fi

# --- assemble the cache entry, then publish it with one rename ---
stage=$(mktemp -d "$CACHE_ROOT/kernel/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
release=$(kmake -s kernelrelease)
cp "$obj/arch/x86/boot/bzImage" "$obj/.config" "$stage/"
kmake -s modules_install INSTALL_MOD_PATH="$stage/modroot" DEPMOD=/sbin/depmod >>"$log" 2>&1 ||
	die "modules_install failed; see $log"
rm -f "$stage/modroot/lib/modules/$release/build" "$stage/modroot/lib/modules/$release/source"
mkdir -p "$stage/headers" "$stage/selftests"
cp -a "$obj/usr/include/." "$stage/headers/"
for t in $selftests; do
	[ -f "$obj/selftests-iommu/$t" ] || die "selftest $t was not built; see $log"
	cp "$obj/selftests-iommu/$t" "$stage/selftests/"
done
# iommufd_vdpa comes with the primary kernel's vDPA series (kernel-patches/)
if [ -n "$selftests" ] && [ -f "$obj/selftests-iommu/iommufd_vdpa" ]; then
	cp "$obj/selftests-iommu/iommufd_vdpa" "$stage/selftests/"
fi
# what the guest loads before the tests
source_field modules >"$stage/modules"
cat >"$stage/info" <<INFO
name=${KERNEL_NAME:-$(primary_kernel_name)}
package=$KSRC_PACKAGE
version=$KSRC_VERSION
variant=${KERNEL_VARIANT:-default}
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
# Keep the eight newest entries (about 20 MB each: branches and kernel variants
# share the cache); older ones are rebuilt if ever needed again.
ls -1dt "$CACHE_ROOT"/kernel/*/ 2>/dev/null | tail -n +9 | while read -r old; do
	[ -f "$old/DONE" ] && rm -rf "$old"
done
note "kernel $release${KERNEL_VARIANT:+ ($KERNEL_VARIANT)} built in $(($(date +%s) - start)) s"
echo "$dest"
