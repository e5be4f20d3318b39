#!/usr/bin/env bash
# Make sure a Chromium that Playwright can drive exists; install Debian's package when none is found.
# Order: $BROWSER_EXECUTABLE, chromium/chromium-browser/google-chrome on PATH, Playwright's own download.
set -euo pipefail
if [ -n "${BROWSER_EXECUTABLE:-}" ] && [ -x "${BROWSER_EXECUTABLE}" ]; then exit 0; fi
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then exit 0; fi
done
if ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-*/chrome-linux/chrome >/dev/null 2>&1; then exit 0; fi
echo "No Chromium found: installing Debian's chromium package" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
