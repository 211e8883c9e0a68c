#!/usr/bin/env bash
# Builds opsshell_VERSION_ARCH.deb from an installed tree: the binary (Swift
# standard library linked in), completions and the man page. Depends names
# the Debian packages of every shared library the binary loads directly, as
# ldd and dpkg -S find them. Usage: make-deb.sh STAGING_DIR OUTPUT_DIR
set -euo pipefail
staging=$1
output=$2
bin=$staging/usr/bin/opsshell
version=$("$bin" --version)
arch=$(dpkg --print-architecture)

# Direct dependencies only (readelf NEEDED), resolved through ldd.
depends=()
for needed in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  # "libx.so.1 => /lib/…/libx.so.1 (…)", or the loader's "/lib64/ld-linux-x86-64.so.2 (…)".
  path=$(ldd "$bin" | awk -v lib="$needed" '$1 == lib { print $3 } $1 ~ ("/" lib "$") { print $1 }' | head -1)
  case "$path" in
    "" ) echo "make-deb: $needed is not found by ldd" >&2; exit 1 ;;
    /opt/*|*/swift/*) echo "make-deb: $needed comes from the toolchain ($path); build with --static-swift-stdlib" >&2; exit 1 ;;
  esac
  # Debian 12 merged /usr: dpkg knows a library under /lib or /usr/lib.
  package=$(dpkg -S "$path" 2>/dev/null || dpkg -S "${path#/usr}" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null) || {
    echo "make-deb: no Debian package owns $path" >&2; exit 1; }
  package=${package%%:*}
  [[ " ${depends[*]:-} " == *" $package "* ]] || depends+=("$package")
done

mkdir -p "$staging/DEBIAN"
cat > "$staging/DEBIAN/control" <<CONTROL
Package: opsshell
Version: $version
Architecture: $arch
Maintainer: OpsShell maintainers <opsshell@localhost>
Section: admin
Priority: optional
Depends: $(IFS=,; echo "${depends[*]}" | sed 's/,/, /g')
Recommends: openssh-client
Installed-Size: $(du -sk --exclude=DEBIAN "$staging" | cut -f1)
Description: operations shell for PostgreSQL/Patroni clusters
 An interactive shell that knows patronictl, wal-e, consul, knife and
 systemctl: guided runbooks, recorded and replayed sessions, fan-out over
 OpenSSH, and confirmations before destructive commands.
CONTROL
mkdir -p "$output"
dpkg-deb --root-owner-group --build "$staging" "$output/opsshell_${version}_${arch}.deb" >&2
echo "$output/opsshell_${version}_${arch}.deb"
