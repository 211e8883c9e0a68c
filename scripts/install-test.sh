#!/usr/bin/env bash
# make install and make deb, tested as an operator would use them on a
# Debian 12 bastion without a Swift toolchain:
#  1. `make install PREFIX=…` gives a binary that ldd shows nothing of the
#     toolchain in, and that runs (and reaches an HTTP API through
#     FoundationNetworking) with /opt/swift hidden behind an empty tmpfs in
#     a mount namespace;
#  2. `make deb` gives a package with the binary, completions, man page and
#     Depends naming libedit2 and libcurl4; `dpkg -i` installs it, the
#     completions and man page are sane, `dpkg -r` removes every file.
# Needs root (unshare -m, dpkg -i). Run by `make install-test`.
set -euo pipefail
cd "$(dirname "$0")/.."
# The toolchain's root (/opt/swift for /opt/swift/usr/bin/swift).
toolchain=${SWIFT_TOOLCHAIN_DIR:-$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")}
toolchain=${toolchain%/usr}
work=$(mktemp -d /tmp/opsshell-install-test.XXXXXX)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
[ "$(id -u)" -eq 0 ] || { echo "install-test: needs root (unshare -m, dpkg -i)" >&2; exit 2; }

# ---- make install
make --no-print-directory install PREFIX="$work/prefix" >/dev/null
bin=$work/prefix/bin/opsshell
if ldd "$bin" | grep -F "$toolchain"; then fail "ldd shows libraries from the toolchain ($toolchain)"; else pass "ldd shows nothing from $toolchain"; fi

# A Patroni REST API stand-in (Tests/Standins/http/serve.py), so the hidden
# toolchain run also goes through URLSession and the system's libcurl.
mkdir -p "$work/api" && cp Tests/Fixtures/patroni-api/cluster-4.1.5.json "$work/api/cluster"
python3 Tests/Standins/http/serve.py --root "$work/api" >"$work/api.out" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "^listening on " "$work/api.out" 2>/dev/null && break; sleep 0.05; done
address=$(sed -n 's/^listening on //p' "$work/api.out")
printf '[hosts."patroni-01"]\npatroni_api = "%s"\ncluster = "pg-ha-cluster"\n' "$address" > "$work/opsshell.toml"

hidden=$(unshare -m sh -c '
  mount -t tmpfs none "$1" && [ -z "$(ls -A "$1")" ] || { echo "could not hide $1"; exit 1; }
  "$2" --version && NO_COLOR=1 XDG_STATE_HOME="$3" "$2" --inventory "$3/opsshell.toml" -c "echo hidden-ok" -c "patronictl list --json"
' sh "$toolchain" "$bin" "$work" 2>&1) || true
version=$("$bin" --version)
if grep -qx "$version" <<<"$hidden" && grep -qx "hidden-ok" <<<"$hidden" && grep -q '"Member":"patroni-02' <<<"$hidden"; then
  pass "runs with $toolchain hidden: --version, a line, and patronictl list over HTTP"
else
  fail "with $toolchain hidden it printed: $hidden"
fi

# ---- make deb
deb=$(make --no-print-directory -s deb | tail -1)
[ -f "$deb" ] || { fail "make deb made no package"; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
for package in libedit2 libcurl4 libc6; do
  if [[ ", $depends," == *", $package,"* ]]; then pass "Depends names $package"; else fail "Depends lacks $package: $depends"; fi
done
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for file in ./usr/bin/opsshell ./usr/share/man/man1/opsshell.1.gz ./usr/share/bash-completion/completions/opsshell \
            ./usr/share/zsh/vendor-completions/_opsshell ./usr/share/fish/vendor_completions.d/opsshell.fish; do
  if grep -qxF "$file" <<<"$contents"; then pass "the package holds $file"; else fail "the package lacks $file"; fi
done

# ---- dpkg -i, then dpkg -r
if dpkg-query -W -f='${Status}' opsshell 2>/dev/null | grep -q "install ok installed"; then
  fail "opsshell is already installed here; not touching it"; exit 1
fi
if dpkg -i "$deb" >/dev/null; then pass "dpkg -i"; else fail "dpkg -i"; fi
[ "$(/usr/bin/opsshell --version)" = "$version" ] && pass "/usr/bin/opsshell runs" || fail "/usr/bin/opsshell does not run"
grep -q -- "--inventory" /usr/share/bash-completion/completions/opsshell && pass "bash completion knows --inventory" || fail "bash completion lacks --inventory"
bash -n /usr/share/bash-completion/completions/opsshell && pass "bash completion parses" || fail "bash completion does not parse"
zcat /usr/share/man/man1/opsshell.1.gz | grep -q '^\.TH OPSSHELL 1' && pass "the man page is roff" || fail "the man page has no .TH"
if zcat /usr/share/man/man1/opsshell.1.gz | grep -q -- '--record'; then pass "the man page documents --record"; else fail "the man page lacks --record"; fi
if dpkg -r opsshell >/dev/null; then pass "dpkg -r"; else fail "dpkg -r"; fi
left=$(for file in $contents; do f=${file#.}; [ -f "$f" ] && echo "$f"; done || true)
[ -z "$left" ] && pass "dpkg -r removed every file" || fail "left behind: $left"
dpkg-query -W -f='${Status}' opsshell 2>/dev/null | grep -q "install ok installed" && fail "dpkg still lists opsshell" || pass "dpkg lists opsshell no more"

echo "binary $(du -h "$bin" | cut -f1), package $(du -h "$deb" | cut -f1)"
[ "$failures" -eq 0 ] || { echo "install-test: $failures failed" >&2; exit 1; }
echo "install-test: all passed"
