"""Typed settings from the environment (and an optional .env file). Fail fast on unsafe values."""

from __future__ import annotations

import secrets
from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from lookup.engine.settings import EngineSettings

PLACEHOLDER_SECRET = 'change-me'


class Settings(EngineSettings):
    """The application's settings: the engine's own (browser, site URLs, deadline) plus the core's."""

    model_config = SettingsConfigDict(env_file='.env', env_file_encoding='utf-8', extra='ignore')

    database_url: str | None = None
    """SQLAlchemy URL. Unset: SQLite file under DATA_DIR. Production: postgresql+psycopg://user:pw@host/db."""
    redis_url: str | None = None
    """Unset: SqliteHuey under DATA_DIR and an embedded consumer. Set: RedisHuey, pub/sub push, Redis limits."""
    embedded_worker: bool | None = None
    """Run the Huey consumer inside the web process. Default: true without REDIS_URL, false with it."""

    lookup_retries: int = Field(2, ge=0)
    """Retries of transient outcomes (SITE_ERROR, TIMEOUT, BLOCKED). The only retry layer."""
    lookup_retry_delay_s: float = Field(5.0, ge=0)
    """First retry delay; doubles on each further retry."""
    site_concurrency: int = Field(1, ge=1)
    """At most this many concurrent browser sessions per site across all workers."""

    # Site circuit breaker and evidence retention (issue 10 #10, #12; lookup/breaker.py, lookup/evidence.py).
    site_breaker_failures: int = Field(3, ge=1)
    """Consecutive transient outcomes (TIMEOUT, SITE_ERROR, BLOCKED) of different lookups that pause a site."""
    site_breaker_cooldown_s: float = Field(120.0, gt=0)
    """How long a site is paused after timeouts / site errors; then one probe lookup may re-open it."""
    site_breaker_blocked_cooldown_s: float = Field(1800.0, gt=0)
    """The pause after the site BLOCKED us (captcha, 403): far longer, hammering a block only prolongs it."""
    evidence_retention_days: float = Field(14.0, gt=0)
    """Screenshots and HTML snapshots of lookups are deleted after this many days (by the worker's sweep)."""

    # Site-change alarm (issue 12 #5; lookup/site_health.py).
    site_alarm_threshold: float = Field(0.25, gt=0, le=1)
    """An alarm opens when a site's share of dead ends / parse fallbacks / selector fallbacks in the last hour
    exceeds its share over the 7 days before by this much (0.25 = 25 percentage points)."""
    site_alarm_min_samples: int = Field(10, ge=1)
    """Site visits the last hour needs before it can raise (or end) an alarm: two odd lookups are not a change."""
    site_alarm_webhook_url: str | None = None
    """Optional: each alarm onset is POSTed here once as JSON (retried every minute until it is accepted)."""
    reply_delivery_retries: int = Field(6, ge=0)
    """Retries of a reply's delivery to the tenant's webhook (issue 12 #1), after the first attempt."""
    reply_delivery_retry_delay_s: float = Field(10.0, ge=0)
    """First delivery retry delay; doubles on each further retry (10 s … 5 min 20 s with the defaults)."""

    cache_ttl_days: float = Field(30.0, gt=0)
    """How long a definitive result is served from the cache."""
    negative_cache_ttl_hours: float = Field(24.0, gt=0)
    """TTL for VEHICLE_NOT_FOUND results (the site may learn the VIN later)."""

    rate_limit_per_minute: int = Field(30, ge=1)
    """Lookups per tenant per minute that reach the queue (cache hits do not count)."""

    host: str = '0.0.0.0'
    port: int = 8080
    storage_secret: str | None = None
    """Signs NiceGUI's session cookie. Unset on the embedded default: a random one is kept in DATA_DIR.
    Required with REDIS_URL (several web processes must share it); the placeholder is refused outside demo mode."""
    session_idle_timeout_min: float = Field(480.0, gt=0)
    """A browser session unused for this long ends (the next page load or action goes to the login page)."""
    session_cookie_secure: bool | None = None
    """Send the session cookie only over HTTPS (`Secure`). Default: on in production mode (REDIS_URL set), off on
    the embedded default (plain http://localhost). Set it when the app is behind an HTTPS proxy."""
    metrics_token: str | None = None
    """`/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`; unset: `/metrics` on the app port is off."""
    metrics_bind: str | None = None
    """`host:port` for a separate metrics listener without a token (e.g. 127.0.0.1:9100, reachable only inside)."""
    metrics_cache_s: float = Field(15.0, ge=0)
    """Metrics are computed at most this often per process; scrapes in between get the same numbers."""
    demo_mode: bool = False
    """Seed demo data (tenant, admin + manager, conversations). Never enable in production."""
    log_level: str = 'INFO'

    @model_validator(mode='after')
    def _check(self) -> Settings:
        if not self.demo_mode and self.storage_secret in ('', PLACEHOLDER_SECRET):
            raise ValueError('STORAGE_SECRET must be a random value, not the placeholder '
                             '(e.g. `python -c "import secrets; print(secrets.token_urlsafe(32))"`).')
        if self.storage_secret is None and self.redis_url and not self.demo_mode:
            raise ValueError('STORAGE_SECRET is required in production mode (REDIS_URL set): every web process '
                             'must sign sessions with the same secret.')
        return self

    def session_secret(self) -> str:
        """STORAGE_SECRET, or (embedded default) a random secret created once and kept in DATA_DIR."""
        if self.storage_secret:
            return self.storage_secret
        path = self.data_dir / 'storage_secret'
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def cookie_secure(self) -> bool:
        return self.session_cookie_secure if self.session_cookie_secure is not None else bool(self.redis_url)

    @property
    def db_url(self) -> str:
        return self.database_url or f'sqlite:///{(self.data_dir / "app.db").as_posix()}'

    @property
    def run_embedded_worker(self) -> bool:
        return self.embedded_worker if self.embedded_worker is not None else not self.redis_url



@lru_cache
def get_settings() -> Settings:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
