"""Preflight (`make preflight`): can this machine run lookups? Checks, in order, a Cyrillic font, Playwright's
driver, and Chromium (headless, `about:blank`); exits 1 with what failed, the underlying error and the fix.

Standalone on purpose (no `lookup` imports): it must work, and explain, before the app can. The browser is chosen
as the app does: a remote one ($BROWSER_WS_ENDPOINT / $BROWSER_CDP_URL), else $BROWSER_EXECUTABLE, else
/usr/bin/chromium, chromium, chromium-browser, google-chrome on PATH, else Playwright's own download.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from importlib.metadata import version

CANDIDATES = ('/usr/bin/chromium', 'chromium', 'chromium-browser', 'google-chrome')
FIX = 'run `make system-deps` (apt-installs what scripts/system-packages.txt lists)'
# Missing shared objects whose package is not obvious from the name.
PACKAGE_OF = {'libatomic.so.1': 'libatomic1'}
CAUSE_RE = re.compile(r'error while loading shared libraries: (\S+?):|(\S+\.so[.\d]*): cannot open shared object')


class PreflightError(Exception):
    """A check failed: the message says what, the underlying error, and how to fix it."""


def fail(what: str, detail: str, fix: str = FIX) -> PreflightError:
    detail = detail.strip() or '(no output)'
    m = CAUSE_RE.search(detail)
    if m:
        lib = m.group(1) or m.group(2)
        line = re.sub(r'^\[pid=\d+\]\[err\] ', '', next(ln for ln in detail.splitlines() if lib in ln).strip())
        pkg = PACKAGE_OF.get(lib)
        fix = f'sudo apt-get install -y {pkg}, or {FIX}' if pkg else f'{fix}; the library {lib} is missing'
        detail = line
    else:
        detail = '\n    '.join(detail.splitlines()[:6])
    return PreflightError(f'{what}\n  error: {detail}\n  fix:   {fix}')


def check_fonts() -> str:
    if not shutil.which('fc-list'):
        raise fail('fonts: fc-list (fontconfig) is not installed, cannot check for a Cyrillic font',
                   'fc-list: not found')
    out = subprocess.run(['fc-list', ':lang=ru', 'family'], capture_output=True, text=True, timeout=20).stdout
    families = sorted({f.split(',')[0].strip() for f in out.splitlines() if f.strip()})
    if not families:
        raise fail('fonts: no font with Cyrillic glyphs (Russian text would render as boxes in screenshots)',
                   '`fc-list :lang=ru` lists nothing')
    return ', '.join(families[:3]) + (' …' if len(families) > 3 else '')


def check_driver() -> str:
    """Start Playwright's bundled Node.js on its own (`node --version`, ~50 ms): a loader error shows up here word
    for word, instead of as a closed pipe inside Playwright."""
    try:
        from playwright._impl._driver import compute_driver_executable
    except ImportError as e:
        raise fail('Playwright is not installed in this Python', str(e), 'run `make deps`') from None
    node = compute_driver_executable()[0]
    try:
        run = subprocess.run([node, '--version'], capture_output=True, text=True, timeout=30)
    except OSError as e:
        raise fail(f"Playwright's driver cannot start ({node})", str(e)) from None
    if run.returncode:
        raise fail(f"Playwright's driver cannot start ({node})", run.stderr or run.stdout)
    return f'Playwright {version("playwright")} (driver Node.js {run.stdout.strip()})'


def find_browser() -> str | None:
    exe = os.environ.get('BROWSER_EXECUTABLE')
    if exe:
        if not (shutil.which(exe) or (os.path.isfile(exe) and os.access(exe, os.X_OK))):
            raise fail(f'browser: BROWSER_EXECUTABLE={exe} is not an executable file', f'{exe}: not found',
                       f'point BROWSER_EXECUTABLE at Chromium, or unset it and {FIX}')
        return exe
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


def check_browser() -> str:
    from playwright.sync_api import Error, sync_playwright

    ws, cdp = os.environ.get('BROWSER_WS_ENDPOINT'), os.environ.get('BROWSER_CDP_URL')
    exe = None if ws or cdp else find_browser()
    label = f'remote {ws or cdp}' if ws or cdp else exe or "Playwright's own Chromium"
    try:
        with sync_playwright() as pw:
            try:
                if ws:
                    browser = pw.chromium.connect(ws, timeout=20_000)
                elif cdp:
                    browser = pw.chromium.connect_over_cdp(cdp, timeout=20_000)
                else:
                    browser = pw.chromium.launch(executable_path=exe, headless=True, timeout=20_000,
                                                 args=['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'])
            except Error as e:
                if ws or cdp:
                    raise fail(f'browser: cannot connect to the {label}', e.message,
                               'start the remote browser, or unset BROWSER_WS_ENDPOINT / BROWSER_CDP_URL') from None
                fix = FIX if exe else f'{FIX}: it installs Debian chromium; or set BROWSER_EXECUTABLE'
                raise fail(f'browser: Chromium does not start ({label})', e.message, fix) from None
            try:
                page = browser.new_page()
                page.goto('about:blank', timeout=10_000)
                return f'Chromium {browser.version} ({label})'
            finally:
                browser.close()
    except Error as e:  # the driver died under us
        raise fail("Playwright's driver failed while starting the browser", e.message) from None


def main() -> int:
    """Run every check (the browser one only if the driver starts) and report all failures at once."""
    started = time.monotonic()
    done, failed = [], []
    for check in (check_driver, check_browser, check_fonts):
        if check is check_browser and failed:
            continue  # Chromium is started through the driver
        try:
            done.append(check())
        except PreflightError as e:
            failed.append(f'preflight FAILED: {e}')
    if failed:
        print('\n'.join(failed), file=sys.stderr)
        return 1
    driver, browser, fonts = done
    print(f'preflight ok in {time.monotonic() - started:.1f}s: {driver}, {browser}, Cyrillic fonts: {fonts}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
