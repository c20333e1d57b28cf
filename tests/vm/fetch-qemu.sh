#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# fetch-qemu.sh: fetch a QEMU with the iommufd backend (>= 9.0) for the
# guest, where tests/kernel/test-qemu.sh runs it on the devices the rig passes
# through, and print the directory it is unpacked in (cached):
#   DIR/usr/bin/qemu-system-x86_64, DIR/usr/share/seabios/bios-256k.bin,
#   DIR/usr/share/qemu/{kvmvapic,linuxboot_dma}.bin, DIR/.libs (the shared
#   libraries it needs, one path a line, resolved with ldd: the tree's own
#   first, then this machine's).
# The packages come from LIBIOMMUFD_QEMU_SUITE (bookworm-backports) through
# a private apt configuration, as fetch-source.sh does: the machine's
# /etc/apt is read for its mirror and never changed, nothing is installed.
# Libraries QEMU needs that this machine lacks are fetched from the suite's
# base release and unpacked beside it. The rig's own QEMU stays as it is.
# Environment: LIBIOMMUFD_QEMU_SUITE, LIBIOMMUFD_QEMU_VERSION (a version of
# qemu-system-x86 in that suite; default: the newest), LIBIOMMUFD_QEMU_DIR
# (an unpacked tree laid out as above: skips the fetch).
set -euo pipefail
. "$(dirname "$0")/common.sh"

QEMU_MIN=9.0
if [ -n "${LIBIOMMUFD_QEMU_DIR:-}" ]; then
	[ -x "$LIBIOMMUFD_QEMU_DIR/usr/bin/qemu-system-x86_64" ] && [ -f "$LIBIOMMUFD_QEMU_DIR/.libs" ] ||
		die "LIBIOMMUFD_QEMU_DIR=$LIBIOMMUFD_QEMU_DIR has no usr/bin/qemu-system-x86_64 and .libs"
	echo "$LIBIOMMUFD_QEMU_DIR"
	exit 0
fi
suite=${LIBIOMMUFD_QEMU_SUITE:-bookworm-backports}
base=${suite%%-*}
command -v apt-get >/dev/null || die "apt-get not found: unpack qemu-system-x86 >= $QEMU_MIN and seabios by hand and set LIBIOMMUFD_QEMU_DIR"
keyring=/usr/share/keyrings/debian-archive-$base-automatic.gpg
[ -f "$keyring" ] || die "no Debian archive key for $base ($keyring): apt-get install debian-archive-keyring"

# The mirror of this machine's apt (fetch-source.sh's reading of it).
mirror=${LIBIOMMUFD_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		mirror=$(awk '
			/^[ \t]*deb[ \t]/ { n = split($0, w, /[ \t]+/); i = 2
				if (w[i] ~ /^\[/) { while (i <= n && w[i] !~ /\]$/) i++; i++ }
				if (w[i] ~ /debian\/?$/ && w[i] !~ /security/) { print w[i]; exit } }
			/^URIs:/ && $2 ~ /debian\/?$/ && $2 !~ /security/ { print $2; exit }' "$f")
		[ -n "$mirror" ] && break
	done
fi
[ -n "$mirror" ] || die "no Debian mirror in this machine's apt sources: set LIBIOMMUFD_DEBIAN_MIRROR=<your Debian mirror URL>"

apt_dir=$CACHE_ROOT/apt-qemu
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
{
	echo "deb [signed-by=$keyring] $mirror $suite main"
	[ "$base" = "$suite" ] || echo "deb [signed-by=$keyring] $mirror $base main"
} >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o Debug::NoLocking=1 -o APT::Sandbox::User=root -q)

# The package lists are read once a day at most.
stamp=$apt_dir/lists/.updated
if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
	note "reading $suite and $base from $mirror"
	if ! apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 ||
		grep -qE '^(E:|W: Failed to fetch)' "$apt_dir/update.log"; then
		die "cannot read $suite from $mirror ($(grep -m1 -E '^(E|W):' "$apt_dir/update.log" || tail -n1 "$apt_dir/update.log")); check the network or proxy, or set LIBIOMMUFD_QEMU_DIR"
	fi
	touch "$stamp"
fi

# The version: the one asked for, or the suite's newest; at least QEMU_MIN.
versions() { # versions PACKAGE SUITE-REGEX: its versions from that suite, newest first
	apt-cache "${apt_opts[@]}" madison "$1" 2>/dev/null |
		awk -F'|' -v s="$2" '$3 ~ s { gsub(/ /, "", $2); print $2 }' | sort -u -r -V
}
have=$(versions qemu-system-x86 " $suite/" | tr '\n' ' ')
ver=${LIBIOMMUFD_QEMU_VERSION:-$(versions qemu-system-x86 " $suite/" | head -n1)}
[ -n "$ver" ] || die "$suite has no qemu-system-x86: set LIBIOMMUFD_QEMU_SUITE to a suite with QEMU >= $QEMU_MIN (bookworm-backports, trixie), or LIBIOMMUFD_QEMU_DIR"
case " $have " in
*" $ver "*) ;;
*) die "qemu-system-x86 $ver is not in $suite (it has: ${have:-nothing}); unset LIBIOMMUFD_QEMU_VERSION for the newest" ;;
esac
upstream=${ver#*:}
upstream=${upstream%%[+~-]*}
dpkg --compare-versions "$upstream" ge "$QEMU_MIN" ||
	die "qemu-system-x86 $ver of $suite is older than $QEMU_MIN (no iommufd backend): choose a newer suite with LIBIOMMUFD_QEMU_SUITE"

dir=$CACHE_ROOT/qemu/$(echo "$ver" | tr ':~' '__')
if [ -f "$dir/DONE" ]; then
	echo "$dir"
	exit 0
fi
rm -rf "$dir"
tmp=$(mktemp -d "$CACHE_ROOT/qemu-fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/debs" "$tmp/root"

# What QEMU depends on, of the same build: the firmware (seabios of the
# same suite, as QEMU's Depends wants), and the data package for the option
# ROMs a PC loads (kvmvapic.bin; linuxboot_dma.bin for -kernel).
show=$(apt-cache "${apt_opts[@]}" show "qemu-system-x86=$ver")
depends=$(echo "$show" | sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' | sed 's/^ *//; s/ .*//; s/|.*//')
seabios=$(versions seabios " $suite/" | head -n1)
[ -n "$seabios" ] || seabios=$(versions seabios " $base/" | head -n1)
[ -n "$seabios" ] || die "no seabios in $suite or $base"
pkgs=("qemu-system-x86=$ver" "qemu-system-data=$ver" "seabios=$seabios")
# Libraries: those this machine does not have (the others are its own, as
# Debian's libraries of one release keep their ABI).
for p in $depends; do
	case "$p" in
	lib* | zlib1g)
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || pkgs+=("$p")
		;;
	esac
done
note "fetching ${pkgs[*]} ($suite, $mirror)"
(cd "$tmp/debs" && apt-get "${apt_opts[@]}" download "${pkgs[@]}" >"$tmp/download.log" 2>&1) ||
	die "download failed: $(grep -m1 '^E:' "$tmp/download.log" || tail -n1 "$tmp/download.log")"
for d in "$tmp"/debs/*.deb; do
	dpkg-deb -x "$d" "$tmp/root" || die "cannot unpack $d; delete $apt_dir and retry"
done
rm -rf "$tmp/root/usr/share/doc" "$tmp/root/usr/share/man"
bin=$tmp/root/usr/bin/qemu-system-x86_64
[ -x "$bin" ] || die "qemu-system-x86 $ver has no usr/bin/qemu-system-x86_64"
[ -f "$tmp/root/usr/share/seabios/bios-256k.bin" ] || die "seabios $seabios has no bios-256k.bin"

# The libraries, the tree's own first.
libpath=$tmp/root/usr/lib/x86_64-linux-gnu:$tmp/root/lib/x86_64-linux-gnu
missing=$(LD_LIBRARY_PATH=$libpath ldd "$bin" | awk '/not found/ { print $1 }' | tr '\n' ' ')
[ -z "$missing" ] || die "qemu-system-x86_64 $ver needs libraries that neither this machine nor the fetched packages have: $missing"
LD_LIBRARY_PATH=$libpath ldd "$bin" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' |
	sed "s|^$tmp/root|@TREE@|" >"$tmp/root/.libs"
"$bin" --version | head -n1 >"$tmp/root/.version" || die "the fetched $bin does not run here"
{ echo "suite=$suite"; printf '%s\n' "${pkgs[@]}"; } >"$tmp/root/.packages"
mkdir -p "$(dirname "$dir")"
mv "$tmp/root" "$dir"
touch "$dir/DONE"
note "using $(cat "$dir/.version") from $suite ($dir, $(du -sh "$dir" | cut -f1))"
echo "$dir"
