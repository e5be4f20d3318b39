#!/usr/bin/env python3
"""CI check: does scripts/system-packages.txt cover every system library and font the app uses?

CI machines carry packages installed by hand in earlier sessions, so "the tests pass" does not prove a fresh
machine works. The rule, checked after `make system-deps` and `make deps`:

1. every package in the list is installed;
2. `ldd` resolves every shared library of Playwright's bundled Node.js driver, of the ELF files under
   /usr/lib/chromium (the real Chromium binary and its bundled .so) and of the compiled modules in the venv;
3. every resolved library belongs to the *base*: the listed packages, Debian's Essential and Priority: required
   packages (what a minimal Debian 12 always has, apt included) and, recursively, their Depends/Pre-Depends
   (first installed alternative, virtual packages through Provides). That is what a fresh machine gets from
   `apt-get install --no-install-recommends $(list)`. A library from any other package was installed by hand
   and is missing from the list; one owned by no package must lie inside the venv (bundled by a wheel);
4. at least one Cyrillic font (`fc-list :lang=ru`) comes from a base package.

Libraries Chromium loads with dlopen() (GL, NSS modules) are invisible to ldd; `make preflight` and the browser
tests cover those by starting Chromium. Standard library only: runs with the system python3.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / 'scripts' / 'system-packages.txt'
VENV = Path(os.environ.get('UV_PROJECT_ENVIRONMENT', ROOT / '.venv')).resolve()
CHROMIUM_DIR = Path('/usr/lib/chromium')
DPKG_INFO = Path('/var/lib/dpkg/info')


def listed_packages() -> list[str]:
    lines = (line.split('#', 1)[0].split() for line in LIST.read_text().splitlines())
    return [words[0] for words in lines if words]


def installed() -> dict[str, dict[str, str]]:
    """Installed packages with their Essential, Priority, Depends, Pre-Depends and Provides fields."""
    fields = ['Package', 'db:Status-Abbrev', 'Essential', 'Priority', 'Depends', 'Pre-Depends', 'Provides']
    fmt = '\\t'.join(f'${{{f}}}' for f in fields) + '\\n'
    out = subprocess.run(['dpkg-query', '-W', '-f', fmt], capture_output=True, text=True, check=True).stdout
    pkgs = {}
    for line in out.splitlines():
        row = dict(zip(fields, line.split('\t'), strict=True))
        if row['db:Status-Abbrev'].startswith('ii'):
            pkgs[row['Package']] = row
    return pkgs


def _names(field: str) -> list[list[str]]:
    """'a (>= 1) | b:any, c' -> [['a', 'b'], ['c']]"""
    groups = []
    for group in filter(None, (g.strip() for g in field.split(','))):
        groups.append([re.split(r'[\s:(\[]', alt.strip(), maxsplit=1)[0] for alt in group.split('|')])
    return groups


def base_closure(pkgs: dict[str, dict[str, str]], listed: list[str]) -> set[str]:
    providers: dict[str, list[str]] = {}
    for name, row in pkgs.items():
        for (virtual, *_) in _names(row['Provides']):
            providers.setdefault(virtual, []).append(name)
    todo = [p for p in listed if p in pkgs]
    todo += [n for n, r in pkgs.items() if r['Essential'] == 'yes' or r['Priority'] == 'required']
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        row = pkgs[name]
        for group in _names(row['Depends']) + _names(row['Pre-Depends']):
            candidates = [c for alt in group for c in ([alt] if alt in pkgs else providers.get(alt, []))]
            if candidates:
                todo.append(candidates[0])
    return seen


def file_owners() -> dict[str, str]:
    """Path -> package, from dpkg's file lists (faster than one `dpkg -S` per library)."""
    owners = {}
    for lst in DPKG_INFO.glob('*.list'):
        pkg = lst.stem.split(':')[0]
        for path in lst.read_text(errors='replace').splitlines():
            owners[path] = pkg
    return owners


def owner_of(path: str, owners: dict[str, str]) -> str | None:
    """Also try the real path and the other side of Debian's merged /usr (ldd says /lib, dpkg may say /usr/lib)."""
    variants = []
    for p in (path, os.path.realpath(path)):
        variants += [p, p.removeprefix('/usr') if p.startswith('/usr/') else '/usr' + p]
    return next((owners[v] for v in variants if v in owners), None)


def is_elf(path: str) -> bool:
    try:
        with open(path, 'rb') as f:
            return f.read(4) == b'\x7fELF'
    except OSError:
        return False


def targets() -> list[str]:
    drivers = glob.glob(str(VENV / 'lib/python3*/site-packages/playwright/driver/node'))
    chromium = [str(p) for p in CHROMIUM_DIR.rglob('*') if p.is_file() and is_elf(str(p))]
    modules = glob.glob(str(VENV / 'lib/python3*/site-packages/**/*.so*'), recursive=True)
    problems = []
    if not drivers:
        problems.append(f"Playwright's driver not found under {VENV} (run `make deps` first)")
    if not any(p.endswith('/chromium') for p in chromium):
        problems.append(f'{CHROMIUM_DIR}/chromium not found (is chromium in {LIST.name} and installed?)')
    if problems:
        sys.exit('check-system-deps: ' + '; '.join(problems))
    return drivers + chromium + [m for m in modules if is_elf(m)]


LDD_RE = re.compile(r'^\s*(\S+) => (not found|(/\S+))')


def main() -> int:
    listed = listed_packages()
    pkgs = installed()
    errors = [f'{p}: listed in {LIST.name} but not installed' for p in listed if p not in pkgs]
    base = base_closure(pkgs, listed)
    owners = file_owners()
    files = targets()
    libs: dict[str, str] = {}  # resolved library -> first binary that needs it
    for binary in files:
        out = subprocess.run(['ldd', binary], capture_output=True, text=True).stdout
        for m in map(LDD_RE.match, out.splitlines()):
            if m and m.group(2) == 'not found':
                errors.append(f'{m.group(1)}: not found (needed by {binary}); add its package to {LIST.name}')
            elif m:
                libs.setdefault(m.group(3), binary)
    for lib, binary in sorted(libs.items()):
        pkg = owner_of(lib, owners)
        if pkg is None and not Path(lib).resolve().is_relative_to(VENV):
            errors.append(f'{lib} (needed by {binary}) belongs to no Debian package: installed by hand?')
        elif pkg is not None and pkg not in base:
            errors.append(f'{lib} (needed by {binary}) comes from {pkg}, which is installed here but neither '
                          f'in {LIST.name} nor pulled in by it: add {pkg} to the list')
    fc_list = ['fc-list', ':lang=ru', 'file']
    fonts = subprocess.run(fc_list, capture_output=True, text=True).stdout if shutil.which('fc-list') else ''
    font_pkgs = {owner_of(f.rstrip(': '), owners) for f in fonts.splitlines() if f.strip()}
    if not font_pkgs & base:
        errors.append(f'no Cyrillic font from a package in {LIST.name} (fc-list :lang=ru: '
                      f'{sorted(p or "unpackaged" for p in font_pkgs) or "none"})')
    if errors:
        print('check-system-deps FAILED:\n  ' + '\n  '.join(errors), file=sys.stderr)
        return 1
    print(f'check-system-deps ok: {len(listed)} listed packages installed; {len(libs)} libraries of {len(files)} '
          f'binaries resolved, all from {len(base)} base packages or the venv; Cyrillic fonts from '
          f'{", ".join(sorted(font_pkgs & base))}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
