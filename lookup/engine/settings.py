"""The engine's own settings: everything a lookup needs, read from the same environment variables as the app.

The engine imports nothing of the application core; the core's Settings extends this class, so
`Engine(core_settings)` and `Engine(EngineSettings())` both work (the latter for the separate engine service/CLI).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class EngineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file='.env', env_file_encoding='utf-8', extra='ignore')

    data_dir: Path = Path('data')
    """Where the app keeps its files; the engine writes failure evidence (screenshots, HTML) under it."""
    podzamenu_base_url: str = 'https://podzamenu.ru'
    """Base URL of the catalogue (point it at the sandbox for demos and tests)."""
    prof_rf_base_url: str = 'https://xn--80aagvgd7a1ae.xn--p1acf'
    """Base URL of the Chinese-VIN fallback site (китайавто.рус)."""

    browser_executable: str | None = None
    """Chromium binary. Unset: auto-detect /usr/bin/chromium and friends, else Playwright's own browser."""
    browser_ws_endpoint: str | None = None
    """Connect to a remote Playwright server (ws://…) instead of launching Chromium locally."""
    browser_cdp_url: str | None = None
    """Connect to a remote Chromium over CDP (http://host:9222) instead of launching locally."""
    browser_headless: bool = True
    browser_recycle_every: int = Field(50, ge=1)
    """Relaunch the browser after this many lookups (keeps memory flat)."""
    driver_rss_limit_mb: int = Field(300, ge=50)
    """At a browser recycle, also restart the thread's Playwright driver (a Node process) once its RSS is above this.
    The driver keeps some memory of closed contexts (upstream reports unbounded growth; here it went from ~125 to
    ~180 MB in the first 60 lookups and then held): a guard for long-running workers."""
    block_assets: bool = True
    """Abort image/font/media requests during lookups (they carry no data we read)."""

    lookup_deadline_s: float = Field(45.0, gt=0)
    """Hard wall-clock deadline of one lookup attempt; the browser is killed when it passes. 45 s: the old scraper's
    14-70 s on the live site were mostly fixed sleeps (8 s waits + 3 s per page, a 35-45 s fallback detour); waiting
    for conditions the slowest real path (site + fallback) needs ~30 s, so 45 s leaves headroom while a hanging site
    holds a worker for 45 s, not 90 (docs/decisions.md)."""
    allowed_hosts: str = ''
    """Comma-separated extra host names the browser may contact besides the two site URLs' hosts; requests to any
    other host are aborted, so a redirecting upstream cannot make the worker fetch internal addresses."""

    @field_validator('podzamenu_base_url', 'prof_rf_base_url')
    @classmethod
    def _strip_slash(cls, v: str) -> str:
        return v.rstrip('/')

    @property
    def site_hosts(self) -> frozenset[str]:
        """Hosts the lookup browser may contact."""
        hosts = {urlsplit(self.podzamenu_base_url).hostname, urlsplit(self.prof_rf_base_url).hostname}
        hosts |= {h.strip().lower() for h in self.allowed_hosts.split(',') if h.strip()}
        return frozenset(_ascii_host(h) for h in hosts if h)

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / 'evidence'


def _ascii_host(host: str) -> str:
    """The host as a browser sends it: an internationalised name (китайавто.рус) in its punycode form."""
    try:
        return host.encode('idna').decode('ascii').lower()
    except UnicodeError:
        return host.lower()
