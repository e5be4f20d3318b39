#!/usr/bin/env bash
# Install the Debian packages listed in scripts/system-packages.txt (`make system-deps`). Idempotent and quick:
# apt is only called for packages `dpkg-query` does not report as installed. Uses sudo unless run as root.
# SKIP_SYSTEM_DEPS=1 skips it (a machine managed otherwise); `make preflight` still checks the result.
set -euo pipefail
list="$(dirname "$0")/system-packages.txt"
[ "${SKIP_SYSTEM_DEPS:-}" = 1 ] && exit 0
mapfile -t pkgs < <(sed 's/#.*//' "$list" | awk 'NF{print $1}')
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "not a Debian system: install the equivalents of ${pkgs[*]} yourself (make preflight checks them)" >&2
  exit 0
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "no sudo: as root, run  apt-get install -y ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
