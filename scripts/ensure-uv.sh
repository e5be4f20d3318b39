#!/usr/bin/env bash
# Bootstrap uv into a private tools folder (.tools), so nothing is installed system-wide.
set -euo pipefail
[ -x .tools/bin/uv ] && exit 0
if ! python3 -m venv .tools 2>/dev/null; then
  # Debian's python3 needs python3-venv for `-m venv`.
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  rm -rf .tools && python3 -m venv .tools
fi
.tools/bin/pip install -q --disable-pip-version-check uv
