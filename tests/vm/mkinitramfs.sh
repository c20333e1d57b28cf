#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# mkinitramfs.sh KERNEL_DIR OUT JOB [BIN_DIR]
# Build the guest's initramfs (an uncompressed cpio): busybox, kmod, the
# kernel's modules, its iommu selftests, the rig's /init, the job script, and
# BIN_DIR's contents as /rig/bin with every shared library they need.
# With RIG_QEMU_DIR (a tree from fetch-qemu.sh): also that QEMU, its
# libraries and the firmware a q35 machine loads, at the paths it was built
# for (/usr/bin, /usr/share/seabios, /usr/share/qemu); about 60 MB more.
set -euo pipefail
. "$(dirname "$0")/common.sh"

kdir=$1 out=$2 job=$3 bindir=${4:-}

busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || die "busybox is missing: apt-get install busybox-static"
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	die "$busybox is not static: apt-get install busybox-static"
kmod=$(command -v kmod || echo /usr/bin/kmod)
[ -x "$kmod" ] || die "kmod is missing: apt-get install kmod"

root=$(mktemp -d "${TMPDIR:-/tmp}/rig-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,etc,rig/bin,rig/lib,rig/selftests,lib}

# Copy an ELF file and, recursively through ldd, the libraries it needs.
# System libraries keep their path; others (the build tree's) go to /rig/lib.
copy_libs() {
	local lib
	ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | while read -r lib; do
		case "$lib" in
		/lib/* | /lib64/* | /usr/lib/* | /usr/lib64/*) dst=$root$lib ;;
		*) dst=$root/rig/lib/$(basename "$lib") ;;
		esac
		[ -e "$dst" ] && continue
		mkdir -p "$(dirname "$dst")"
		cp -L "$lib" "$dst"
	done
}

cp "$busybox" "$root/bin/busybox"
cp "$kmod" "$root/usr/bin/kmod"
copy_libs "$kmod"
for t in modprobe insmod rmmod lsmod modinfo; do ln -sf /usr/bin/kmod "$root/sbin/$t"; done
# iproute2's vdpa creates the simulator's devices (vdpa dev add ...).
vdpa=$(command -v vdpa || echo /sbin/vdpa)
[ -x "$vdpa" ] || die "iproute2's vdpa tool is missing: apt-get install iproute2"
cp "$vdpa" "$root/sbin/vdpa"
copy_libs "$vdpa"
cp -a "$kdir/modroot/lib/modules" "$root/lib/"
for t in "$kdir"/selftests/*; do # none on a kernel without iommufd
	[ -f "$t" ] && cp "$t" "$root/rig/selftests/"
done
cp "$RIG_DIR/guest-init" "$root/init"
cp "$RIG_DIR/guest-lib.sh" "$root/rig/guest-lib.sh"
cp "$job" "$root/rig/job"
chmod 755 "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

if [ -n "$bindir" ]; then
	# BIN_DIR/.origins lists the programs' original paths: their libraries
	# are resolved there, where RUNPATHs such as $ORIGIN/../lib still hold.
	cp -a "$bindir/." "$root/rig/bin/"
	rm -f "$root/rig/bin/.origins"
	while IFS= read -r f; do
		if file -L "$f" | grep -q 'dynamically linked'; then
			copy_libs "$f"
		fi
	done < <(cat "$bindir/.origins" 2>/dev/null)
fi

if [ -n "${RIG_QEMU_DIR:-}" ]; then
	q=$RIG_QEMU_DIR
	[ -x "$q/usr/bin/qemu-system-x86_64" ] && [ -f "$q/.libs" ] ||
		die "RIG_QEMU_DIR=$q is not a tree of tests/vm/fetch-qemu.sh"
	mkdir -p "$root/usr/bin" "$root/usr/share/seabios" "$root/usr/share/qemu"
	cp "$q/usr/bin/qemu-system-x86_64" "$root/usr/bin/"
	cp "$q/usr/share/seabios/bios-256k.bin" "$root/usr/share/seabios/"
	# option ROMs of a PC: the vAPIC one always, the boot loader with -kernel
	for f in kvmvapic.bin linuxboot_dma.bin; do
		[ ! -f "$q/usr/share/qemu/$f" ] || cp "$q/usr/share/qemu/$f" "$root/usr/share/qemu/"
	done
	# its libraries, as fetch-qemu.sh resolved them: the tree's own (@TREE@)
	# and this machine's, each at its own path
	while IFS= read -r lib; do
		case "$lib" in
		@TREE@*) src=$q${lib#@TREE@} dst=$root${lib#@TREE@} ;;
		*) src=$lib dst=$root$lib ;;
		esac
		[ -e "$dst" ] && continue
		mkdir -p "$(dirname "$dst")"
		cp -L "$src" "$dst"
	done <"$q/.libs"
fi

# Everything readable and searchable: tests run some programs as nobody.
chmod -R a+rX "$root"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
