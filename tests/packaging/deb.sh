#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# deb.sh: the release tarball builds as Debian packages, lintian-clean.
#   meson dist (the committed HEAD) -> unpack -> packaging/debian copied in
#   -> dpkg-buildpackage -us -uc -b -> lintian on the .changes -> contents
# TAP output. Needs dpkg-dev, debhelper, lintian and the Build-Depends of
# packaging/debian/control (tests/deps.sh installs them all).
#   deb.sh [WORKDIR]   WORKDIR is kept (default: a temporary one, removed)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${1:-}" ]; then
	work=$1
	rm -rf "$work" && mkdir -p "$work" || exit 1
else
	work=$(mktemp -d /tmp/libiommufd-deb.XXXXXX) || exit 1
	trap 'rm -rf "$work"' EXIT
fi
log=$work/log
n=0 fail=0
echo "1..6"
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { # not_ok WHAT [LOG]: the log's tail as TAP comments
	n=$((n + 1)); echo "not ok $n - $1"; fail=1
	[ -z "${2:-}" ] || tail -n 30 "$2" | sed 's/^/# /'
}
skip_rest() { # every remaining test point skipped, with the reason
	while [ "$n" -lt 6 ]; do n=$((n + 1)); echo "ok $n # SKIP $*"; done
	exit $fail
}

for tool in dpkg-buildpackage dh lintian meson git; do
	command -v "$tool" >/dev/null || { echo "# $tool is missing: run tests/deps.sh"; skip_rest "$tool is not installed"; }
done

# 1. the version, and the tarball from the committed HEAD (meson dist archives git's HEAD;
#    uncommitted changes are not in it)
version=$(cd "$top" && meson introspect --projectinfo meson.build 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
deb_version=$(dpkg-parsechangelog -l "$top/packaging/debian/changelog" -S Version)
if [ "${deb_version%-*}" = "$version" ]; then
	ok "packaging/debian/changelog ($deb_version) is meson's version $version"
else
	not_ok "packaging/debian/changelog is $deb_version but meson's version is $version: add a changelog entry"
	skip_rest "the changelog does not match the version"
fi
start=$(date +%s)
if meson setup "$work/dist-build" "$top" -Dtests=false -Dexamples=false -Ddocs=disabled -Dman=disabled >"$log" 2>&1 &&
	meson dist -C "$work/dist-build" --no-tests --allow-dirty --formats xztar >>"$log" 2>&1; then
	tarball=$work/dist-build/meson-dist/libiommufd-$version.tar.xz
	ok "meson dist: $(basename "$tarball") ($(du -h "$tarball" | cut -f1))"
else
	not_ok "meson dist" "$log"
	skip_rest "no tarball"
fi
missing=""
for f in COPYING LICENSES/LGPL-2.1-or-later.txt LICENSES/BSD-2-Clause.txt LICENSES/GPL-2.0-only.txt NEWS; do
	tar -tJf "$tarball" "libiommufd-$version/$f" >/dev/null 2>&1 || missing="$missing $f"
done
if [ -z "$missing" ]; then
	ok "the tarball carries COPYING, LICENSES/ and NEWS"
else
	not_ok "the tarball lacks:$missing"
fi

# 2. the packages
tar -xJf "$tarball" -C "$work"
cp "$tarball" "$work/libiommufd_$version.orig.tar.xz"
src=$work/libiommufd-$version
cp -r "$top/packaging/debian" "$src/debian"
if (cd "$src" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -us -uc -b) >"$log.build" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b ($(($(date +%s) - start)) s)"
else
	not_ok "dpkg-buildpackage -us -uc -b" "$log.build"
	skip_rest "no packages"
fi
changes=$(ls "$work"/libiommufd_*.changes)

# 3. lintian: no error; each warning either fixed or overridden with a reason
#    (packaging/debian/*.lintian-overrides)
lintian --fail-on error,warning --display-info "$changes" >"$log.lintian" 2>&1
rc=$?
sed 's/^/# lintian: /' "$log.lintian"
if [ $rc = 0 ]; then
	ok "lintian: no errors, no warnings"
else
	not_ok "lintian reports errors or warnings"
fi

# 4. what each package holds
for p in libiommufd0 libiommufd-dev iommufd-tools; do
	dpkg-deb -c "$work/$p"_*.deb | awk '{print $6}' >"$work/$p.contents"
done
contents() { cat "$work/$1.contents"; }
problems=""
contents libiommufd0 | grep -q '/libiommufd\.so\.0$' || problems="$problems libiommufd0:soname-link"
contents libiommufd-dev | grep -q '/include/iommufd/iommufd\.h$' || problems="$problems dev:header"
contents libiommufd-dev | grep -q '/libiommufd\.a$' || problems="$problems dev:static"
contents libiommufd-dev | grep -q '/pkgconfig/libiommufd\.pc$' || problems="$problems dev:pkg-config"
pages=$(contents libiommufd-dev | grep -c '/man3/.*\.3\.gz$')
functions=$(grep -cE '^\s+iommufd_[a-z0-9_]+;' "$src/lib/libiommufd.map")
[ "$pages" = $((functions + 1)) ] || problems="$problems dev:man3($pages pages, $functions functions)"
contents iommufd-tools | grep -q '/usr/bin/iommufd$' || problems="$problems tools:binary"
contents iommufd-tools | grep -q '/man1/iommufd\.1\.gz$' || problems="$problems tools:man1"
contents iommufd-tools | grep -q '/usr/share/bash-completion/completions/iommufd$' || problems="$problems tools:completion"
if [ -z "$problems" ]; then
	ok "libiommufd0 (soname), libiommufd-dev (headers, .a, .pc, $pages man pages), iommufd-tools (command, man page, bash completion)"
else
	not_ok "package contents:$problems"
fi
echo "# $(($(date +%s) - start)) s in all"
exit $fail
