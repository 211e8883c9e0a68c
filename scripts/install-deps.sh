#!/usr/bin/env bash
# Installs the Debian packages a target needs, only those missing, with one
# `apt-get update` at most. Usage: install-deps.sh run|test|install|bench
set -euo pipefail

packages=(libedit-dev pkg-config)            # CEdit links libedit; SwiftPM finds it with pkg-config
# --static-swift-stdlib links FoundationNetworking's libcurl use itself: -lcurl needs the .so
packages+=(libcurl4-openssl-dev)
case "${1:-run}" in
  run) ;;
  # sshd hosts, sudo su, setsid -c, ps; python3 runs the stand-ins, curl the Consul self-check, openssl the TLS tests' certificates;
  # the shipped plugin files (plugins/) are tested against the real pgbackrest and postgresql-common (pg_lsclusters…)
  test) packages+=(openssh-server openssh-client sudo util-linux procps python3 curl openssl
                   pgbackrest postgresql-common postgresql-15 python3-venv) ;;
  # unshare, dpkg-deb, readelf; python3 serves a stand-in API for the hidden-toolchain run
  install) packages+=(util-linux dpkg-dev binutils python3 gzip) ;;
  bench) packages+=(hyperfine openssh-server openssh-client pssh python3) ;;
  *) echo "usage: $0 run|test|install|bench" >&2; exit 2 ;;
esac

# ansible-core and ansible-lint for the export ansible tests, in a venv (PyPI, pinned).
if [ "${1:-run}" = test ]; then trap '"$(dirname "$0")/install-ansible.sh" >/dev/null' EXIT; fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
