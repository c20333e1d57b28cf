#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Fetch Debian's kernel source package named in the kernel's source file
# (kernel-patches/source, or kernel-patches/NAME/source for LIBIOMMUFD_KERNEL=NAME)
# with a private apt configuration (the machine's /etc/apt is never touched) and
# print the path of the cached .deb. When the pinned version has left the
# archive (security updates replace them), the newest version of the package in
# the suites is fetched instead, with one line saying so, and recorded so that
# the cache is keyed by what was built. LIBIOMMUFD_KERNEL_DEB=/path/to.deb skips
# the fetch.
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ -n "${LIBIOMMUFD_KERNEL_DEB:-}" ]; then
	[ -f "$LIBIOMMUFD_KERNEL_DEB" ] || die "LIBIOMMUFD_KERNEL_DEB=$LIBIOMMUFD_KERNEL_DEB does not exist"
	echo "$LIBIOMMUFD_KERNEL_DEB"
	exit 0
fi

srcdir=$CACHE_ROOT/src
deb=$srcdir/${KSRC_PACKAGE}_${KSRC_VERSION}_all.deb
if [ -s "$deb" ]; then
	echo "$deb"
	exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found: fetch $KSRC_PACKAGE $KSRC_VERSION by hand and set LIBIOMMUFD_KERNEL_DEB=/path/to/it.deb"
[ -n "$KSRC_SUITES" ] || die "$PATCH_DIR/source names no suites="

# The Debian mirror this machine's own apt uses for the release suites (or,
# with "security", for the -security suites), read and never changed, so local
# mirrors work; apt's proxy settings (/etc/apt/apt.conf.d) apply as they are.
# The first matching source wins, one-line sources.list entries and deb822
# .sources stanzas alike.
machine_mirror() {
	local f kind=$1
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v kind="$kind" '
		function debian_suite(s) {
			if (kind == "security") return s ~ /^(buster|bullseye|bookworm|trixie|forky|duke)-security$/
			return s ~ /^(buster|bullseye|bookworm|trixie|forky|duke|sid|unstable|testing|stable|oldstable)(-updates|-backports)?$/
		}
		/^[ \t]*deb[ \t]/ { # one-line form: deb [opts] URI suite components
			n = split($0, w, /[ \t]+/); i = 2
			if (w[i] ~ /^\[/) { while (i <= n && w[i] !~ /\]$/) i++; i++ }
			if (i + 1 <= n && debian_suite(w[i + 1])) { print w[i]; exit }
			next
		}
		/^[ \t]*$/ { if (uri != "" && ok && deb) { print uri; exit } uri = ""; ok = 0; deb = 0; next }
		/^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
		/^URIs:/ { uri = $2 }
		/^Suites:/ { for (j = 2; j <= NF; j++) if (debian_suite($j)) ok = 1 }
		END { if (uri != "" && ok && deb) print uri }
		' "$f" | head -n1 | grep . && return 0
	done
	return 1
}

apt_dir=$CACHE_ROOT/apt/$KSRC_PACKAGE
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$srcdir"
: >"$apt_dir/sources.list"
for suite in $KSRC_SUITES; do
	release=${suite%%-*}
	case "$suite" in
	*-security)
		keyring=/usr/share/keyrings/debian-archive-$release-security-automatic.gpg
		mirror=${LIBIOMMUFD_DEBIAN_SECURITY_MIRROR:-$(machine_mirror security || true)}
		[ -n "$mirror" ] || die "no Debian security mirror in this machine's apt sources (/etc/apt/sources.list*) for $suite: set LIBIOMMUFD_DEBIAN_SECURITY_MIRROR=<URL>, or LIBIOMMUFD_KERNEL_DEB=/path/to/${KSRC_PACKAGE}_${KSRC_VERSION}_all.deb"
		;;
	*)
		keyring=/usr/share/keyrings/debian-archive-$release-automatic.gpg
		mirror=${LIBIOMMUFD_DEBIAN_MIRROR:-$(machine_mirror release || true)}
		[ -n "$mirror" ] || die "no Debian mirror in this machine's apt sources (/etc/apt/sources.list*): set LIBIOMMUFD_DEBIAN_MIRROR=<your Debian mirror URL>, or LIBIOMMUFD_KERNEL_DEB=/path/to/${KSRC_PACKAGE}_${KSRC_VERSION}_all.deb"
		;;
	esac
	[ -f "$keyring" ] || die "no Debian archive key for $suite ($keyring): apt-get install debian-archive-keyring"
	echo "deb [signed-by=$keyring] $mirror $suite main" >>"$apt_dir/sources.list"
done
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o Debug::NoLocking=1 -o APT::Sandbox::User=root -q)

note "fetching $KSRC_PACKAGE $KSRC_VERSION from $KSRC_SUITES"
if ! apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 ||
	grep -qE '^(E:|W: Failed to fetch)' "$apt_dir/update.log"; then
	die "cannot read $KSRC_SUITES ($(grep -m1 -E '^(E|W):' "$apt_dir/update.log" || tail -n1 "$apt_dir/update.log")); check the network or proxy, or set LIBIOMMUFD_KERNEL_DEB=/path/to/${KSRC_PACKAGE}_${KSRC_VERSION}_all.deb"
fi

have=$(apt-cache "${apt_opts[@]}" madison "$KSRC_PACKAGE" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' | sort -uV)
want=$KSRC_VERSION
if ! printf '%s\n' "$have" | grep -qxF "$want"; then
	newest=$(printf '%s\n' "$have" | grep . | tail -n1)
	[ -n "$newest" ] || die "$KSRC_PACKAGE is not in $KSRC_SUITES at all: put a package and suites that exist into $PATCH_DIR/source"
	note "$KSRC_PACKAGE $want has left the archive; using the newest, $newest (the cache is keyed by it)"
	want=$newest
	deb=$srcdir/${KSRC_PACKAGE}_${want}_all.deb
fi

if [ ! -s "$deb" ]; then
	tmp=$(mktemp -d "$srcdir/fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get "${apt_opts[@]}" download "$KSRC_PACKAGE=$want" >"$tmp/download.log" 2>&1) ||
		die "download of $KSRC_PACKAGE $want failed: $(grep -m1 '^E:' "$tmp/download.log" || tail -n1 "$tmp/download.log")"
	got=$(ls "$tmp"/*.deb 2>/dev/null | head -n1)
	[ -n "$got" ] || die "apt-get download produced no .deb for $KSRC_PACKAGE $want"
	dpkg-deb --info "$got" >/dev/null 2>&1 || die "downloaded $got is not a valid .deb; delete $srcdir and retry"
	mv "$got" "$deb"
fi
if [ "$want" != "$KSRC_PINNED" ]; then
	echo "$want" >"$(resolved_file).tmp" && mv "$(resolved_file).tmp" "$(resolved_file)"
fi
note "using $KSRC_PACKAGE $want ($deb)"
echo "$deb"
