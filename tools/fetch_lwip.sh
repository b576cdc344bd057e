#!/bin/sh
# Fetches lwIP, the TCP/IP stack apps/tcpip is built on, from Debian's
# source package `lwip` into DIR (the build directory's lwip/): the
# project commits none of its code. apt runs with a configuration of its own
# in DIR, whose deb-src entries are derived from the machine's Debian
# sources (the system's apt setup is not touched); the upstream tarball is
# unpacked and its version checked.
#
#   tools/fetch_lwip.sh DIR
set -e
dir=$1
version=2.1.3
[ -f "$dir/src/include/lwip/init.h" ] && [ -f "$dir/.version-$version" ] && exit 0
mkdir -p "$(dirname "$dir")"
work="$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir").fetch" # (apt wants absolute paths)
rm -rf "$work" && mkdir -p "$work/parts" "$work/lists/partial" "$work/cache/archives/partial"
: > "$work/sources.list"
# deb-src entries for every Debian archive the machine uses (deb822 files and
# one-line lists alike)
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" } /URIs:[^\n]*debian/ { sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" \
        >> "$work/parts/debian-src.sources"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    grep -E '^deb[[:space:]].*debian' "$f" | sed 's/^deb[[:space:]]/deb-src /' >> "$work/parts/debian-src.list" || true
done
if [ ! -s "$work/parts/debian-src.sources" ] && [ ! -s "$work/parts/debian-src.list" ]; then
    echo "fetch_lwip: no Debian archive in the machine's apt sources" >&2
    exit 1
fi
apt_opts="-o Dir::Etc::SourceList=$work/sources.list -o Dir::Etc::SourceParts=$work/parts \
    -o Dir::State::Lists=$work/lists -o Dir::Cache=$work/cache -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $apt_opts -qq update
# shellcheck disable=SC2086
(cd "$work" && apt-get $apt_opts -qq source --download-only "lwip=$version+dfsg1-2" >/dev/null 2>&1 \
    || apt-get $apt_opts -qq source --download-only lwip >/dev/null)
tarball=$(ls "$work"/lwip_"$version"*.orig.tar.* 2>/dev/null | head -1)
if [ -z "$tarball" ]; then
    echo "fetch_lwip: Debian's lwip source package is not version $version" >&2
    exit 1
fi
mkdir -p "$work/src"
tar -xf "$tarball" -C "$work/src"
init="$(ls "$work"/src/lwip-*/src/include/lwip/init.h)"
found=$(tr -d "\r" < "$init" | awk '/define LWIP_VERSION_(MAJOR|MINOR|REVISION)[ \t]/ { v = v (v ? "." : "") $3 } END { print v }')
if [ "$found" != "$version" ]; then
    echo "fetch_lwip: the source is lwIP $found, not $version" >&2
    exit 1
fi
rm -rf "$dir" && mv "$work/src"/lwip-* "$dir" && rm -rf "$work"
touch "$dir/.version-$version"
echo "  FETCH   lwip $version (Debian source package lwip)"
