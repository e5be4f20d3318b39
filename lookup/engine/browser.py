"""Browser lifecycle per worker thread: lazy launch or remote connect, fresh context per lookup, recycling,
crash recovery and a watchdog that kills the browser when a lookup's hard deadline passes."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import psutil
from playwright.sync_api import Browser, BrowserContext, Playwright, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from lookup.engine.settings import EngineSettings

logger = logging.getLogger(__name__)

USER_AGENT = ('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) '
              'Chrome/120.0.0.0 Safari/537.36')
LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
               '--disable-component-update', '--no-first-run', '--disable-sync']
EXECUTABLE_CANDIDATES = ('/usr/bin/chromium', 'chromium', 'chromium-browser', 'google-chrome')
ASSET_RE = re.compile(r'\.(?:png|jpe?g|gif|webp|avif|svg|ico|bmp|woff2?|ttf|otf|eot|mp4|webm|mp3|ogg|wav)(?:[?#].*)?$',
                      re.I)
BUNDLED = "Playwright's own build"


def intercepted(settings: EngineSettings) -> re.Pattern[str]:
    """The requests the gate must see: any URL not on a site host, plus assets when `block_assets` is on.

    The pattern goes to Playwright's driver, which lets every other request through without a round trip to this
    process (a `**/*` route made each of a page's requests wait for Python: ~10 % of a lookup). The gate still
    decides; the pattern only has to over-approximate: a URL whose host is not exactly an allowed one followed by a
    port, a path, a query or the end (userinfo tricks, look-alike suffixes) is routed to the gate.
    """
    hosts = '|'.join(re.escape(h) for h in sorted(settings.site_hosts))
    site = rf'(?:https?|wss?)://(?:{hosts})(?::\d+)?(?:[/?#]|$)' if hosts else r'(?!)'
    pattern = rf'^(?!(?:data|blob|about):|{site})'
    if settings.block_assets:
        pattern += '|' + ASSET_RE.pattern
    return re.compile(pattern, re.I)
SELECTOR_ENGINES: dict[str, str] = {}
"""Custom Playwright selector engines (name → script), registered on every driver before any context exists."""
DRIVER_GRACE_S = 2.0
"""After killing the browser, how long the blocked call may take to notice before the driver is killed too."""


def find_executable(settings: EngineSettings) -> str | None:
    """EngineSettings first, then Debian/Google Chromium on PATH; None means Playwright's bundled browser."""
    if settings.browser_executable:
        return settings.browser_executable
    for name in EXECUTABLE_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class BrowserUnavailable(Exception):
    """Playwright's driver or the browser could not start (or a remote browser does not answer). Not the site's
    fault: the lookup ends BROWSER_UNAVAILABLE with `what` and `why`, and is not retried as a site failure."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f'{what} could not start: {why}')
        self.what = what
        self.why = why


def _reason(exc: BaseException) -> str:
    """The informative line of a launch error (Playwright puts the browser's own stderr after a log header)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in lines:
        if re.search(r'error while loading shared libraries|No such file|doesn.t exist|not found|cannot open|'
                     r'permission denied|ECONNREFUSED|connect', line, re.I):
            return line[:300]
    return (lines[0] if lines else type(exc).__name__)[:300]


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _kill_tree(pids: list[int]) -> int:
    procs: list[psutil.Process] = []
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            procs.extend(proc.children(recursive=True))
            procs.append(proc)
        except psutil.Error:
            continue
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(procs, timeout=3)
    return len(procs)


class Driver:
    """The Playwright driver of one thread. Playwright allows one per thread, so the thread's sessions share it."""

    def __init__(self) -> None:
        before = {p.pid for p in psutil.Process().children()}
        try:
            self.pw: Playwright = sync_playwright().start()
        except Exception as exc:  # the bundled node binary cannot run (e.g. libatomic.so.1 missing)
            raise BrowserUnavailable("Playwright's driver", _reason(exc)) from exc
        for name, script in SELECTOR_ENGINES.items():
            try:
                self.pw.selectors.register(name, script)
            except PlaywrightError as exc:
                if 'already registered' not in str(exc):
                    raise
        self.users = 0
        try:  # private, but the only exact handle on this thread's driver process
            self.pid: int | None = self.pw._impl_obj._connection._transport._proc.pid  # type: ignore[attr-defined]
        except AttributeError:
            new = [p.pid for p in psutil.Process().children() if p.pid not in before]
            self.pid = new[0] if new else None

    @property
    def alive(self) -> bool:
        return self.pid is None or _alive(self.pid)

    def stop(self) -> None:
        try:
            self.pw.stop()
        except Exception:
            logger.debug('stopping the driver failed', exc_info=True)


_thread = threading.local()


def thread_driver() -> Driver:
    """This thread's driver, started (or restarted after a kill) on demand."""
    driver: Driver | None = getattr(_thread, 'driver', None)
    if driver is not None and not driver.alive:
        driver.stop()
        driver = None
    if driver is None:
        driver = _thread.driver = Driver()
    return driver


def release_driver(driver: Driver) -> None:
    driver.users -= 1
    if driver.users <= 0 and getattr(_thread, 'driver', None) is driver:
        _thread.driver = None
        driver.stop()


class BrowserSession:
    """One browser on the thread's driver, owned by the thread that created it (the sync API is thread-bound)."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.owner = threading.get_ident()
        self.marker = f'--lookup-engine-session={uuid.uuid4().hex}'
        self._driver: Driver | None = None
        self._browser: Browser | None = None
        self.lookups_since_launch = 0
        self.launches = 0
        self.killed = threading.Event()

    @property
    def remote(self) -> bool:
        return bool(self.settings.browser_ws_endpoint or self.settings.browser_cdp_url)

    @property
    def _driver_pid(self) -> int | None:
        return self._driver.pid if self._driver is not None else None

    # --- lifecycle ---------------------------------------------------------------------------------------
    def _pw(self) -> Playwright:
        driver = thread_driver()
        if driver is not self._driver:
            if self._driver is not None:
                self._driver.users -= 1
            driver.users += 1
            self._driver = driver
        return driver.pw

    def browser(self) -> Browser:
        """The live browser, (re)launched or (re)connected if needed."""
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        if self._browser is not None:
            logger.warning('browser disconnected (crash?); relaunching')
            self._discard()
        pw = self._pw()
        s = self.settings
        try:
            if s.browser_ws_endpoint:
                self._browser = pw.chromium.connect(s.browser_ws_endpoint, timeout=30_000)
            elif s.browser_cdp_url:
                self._browser = pw.chromium.connect_over_cdp(s.browser_cdp_url, timeout=30_000)
            else:
                exe = find_executable(s)
                self._browser = pw.chromium.launch(
                    executable_path=exe, headless=s.browser_headless, args=[*LAUNCH_ARGS, self.marker],
                    timeout=30_000)
        except PlaywrightError as exc:
            if self.killed.is_set():
                raise  # the watchdog killed a slow launch: that is the deadline, not a broken install
            what = 'the remote browser' if self.remote else f'Chromium ({find_executable(s) or BUNDLED})'
            raise BrowserUnavailable(what, _reason(exc)) from exc
        self.launches += 1
        self.lookups_since_launch = 0
        self.killed.clear()
        logger.info('browser ready (%s, launch #%d)', 'remote' if self.remote else 'local', self.launches)
        return self._browser

    def _new_context(self) -> BrowserContext:
        return self.browser().new_context(
            locale='ru-RU', user_agent=USER_AGENT, viewport={'width': 1280, 'height': 720},
            extra_http_headers={'Accept-Language': 'ru-RU,ru;q=0.9'})

    def _discard(self, *, force: bool = False) -> None:
        """Forget the browser (and the driver if it died); never blocks on a dead process."""
        browser, self._browser = self._browser, None
        if force and not self.remote:
            _kill_tree(self.browser_pids())
        if browser is not None and (self._driver is None or self._driver.alive):
            try:
                browser.close()
            except Exception:
                logger.debug('closing a dead browser failed', exc_info=True)

    def driver_rss_mb(self) -> float | None:
        """RSS of the Playwright driver this session uses (None when unknown)."""
        if self._driver_pid is None:
            return None
        try:
            return psutil.Process(self._driver_pid).memory_info().rss / 2**20
        except psutil.Error:
            return None

    def _recycle(self) -> None:
        """A fresh browser next; and a fresh driver too once it has outgrown `driver_rss_limit_mb` (it keeps some
        memory of every closed context, microsoft/playwright#6319), unless another session still uses it."""
        self._discard()
        driver, rss = self._driver, self.driver_rss_mb()
        if driver is None or driver.users > 1 or rss is None or rss <= self.settings.driver_rss_limit_mb:
            return
        logger.info('restarting the Playwright driver (%.0f MB)', rss)
        self._driver = None
        release_driver(driver)

    @contextmanager
    def context(self, timeout_ms: float) -> Iterator[BrowserContext]:
        """A fresh context (no cookies) for one lookup; closed afterwards so memory goes back."""
        if self.lookups_since_launch >= self.settings.browser_recycle_every:
            logger.info('recycling the browser after %d lookups', self.lookups_since_launch)
            self._recycle()
        try:
            ctx = self._new_context()
        except PlaywrightError:
            # The browser died since the last lookup and the driver has not noticed yet: relaunch once.
            logger.warning('browser unusable; relaunching', exc_info=True)
            self._discard(force=True)
            ctx = self._new_context()
        self.lookups_since_launch += 1
        ctx.set_default_timeout(timeout_ms)
        ctx.set_default_navigation_timeout(timeout_ms)
        ctx.route(intercepted(self.settings), self._gate)
        try:
            yield ctx
        finally:
            if self.killed.is_set():
                self._discard()
            else:
                try:
                    ctx.close()
                except Exception:
                    logger.debug('context close failed; discarding the browser', exc_info=True)
                    self._discard()

    def _gate(self, route: Route) -> None:
        """Only the configured site hosts are reachable (a redirecting upstream cannot make the worker fetch internal
        addresses); images, fonts and media are not fetched when `block_assets` is on."""
        request = route.request
        host = (urlsplit(request.url).hostname or '').lower()
        scheme = urlsplit(request.url).scheme
        if scheme in ('data', 'blob', 'about'):
            route.continue_()
        elif host not in self.settings.site_hosts:
            logger.info('blocked a request to a host outside the site: %s', host)
            route.abort('blockedbyclient')
        elif self.settings.block_assets and (request.resource_type in ('image', 'font', 'media')
                                             or ASSET_RE.search(request.url)):
            route.abort()
        else:
            route.continue_()

    def close(self) -> None:
        """Close the browser (call from the owning thread; from other threads it is killed)."""
        if threading.get_ident() != self.owner:
            self.kill()
            return
        self._discard()
        if self._driver is not None:
            release_driver(self._driver)
            self._driver = None

    # --- thread-safe process control ---------------------------------------------------------------------
    def browser_pids(self) -> list[int]:
        """Top processes of this session's local browser (the driver's children carrying our marker)."""
        if self._driver_pid is None:
            return []
        try:
            children = psutil.Process(self._driver_pid).children(recursive=True)
        except psutil.Error:
            return []
        out = []
        for proc in children:
            try:
                if self.marker in proc.cmdline():
                    out.append(proc.pid)
            except psutil.Error:
                continue
        return out

    def pids(self) -> list[int]:
        """Driver and every process of this session's browser (for RSS accounting)."""
        out = [self._driver_pid] if self._driver_pid else []
        for pid in self.browser_pids():
            try:
                out += [pid, *(p.pid for p in psutil.Process(pid).children(recursive=True))]
            except psutil.Error:
                continue
        return sorted(set(out))

    def kill(self, *, driver: bool = False) -> int:
        """Kill the browser tree (and optionally the driver) from any thread; a blocked Playwright call then raises."""
        self.killed.set()
        targets = [] if self.remote else self.browser_pids()
        # A remote browser is not ours to kill: killing the local driver unblocks the call instead.
        if (driver or self.remote or not targets) and self._driver_pid:
            targets.append(self._driver_pid)
        n = _kill_tree(targets)
        logger.warning('killed %d browser processes (driver=%s)', n, driver or self.remote)
        return n


class Watchdog:
    """Kills the session's browser when the deadline passes, then its driver if the call is still stuck."""

    def __init__(self, session: BrowserSession, seconds: float) -> None:
        self.session = session
        self.fired = threading.Event()
        self._timers = [threading.Timer(max(seconds, 0.01), self._fire),
                        threading.Timer(max(seconds, 0.01) + DRIVER_GRACE_S, self._fire_driver)]
        for t in self._timers:
            t.daemon = True

    def _fire(self) -> None:
        self.fired.set()
        logger.warning('lookup deadline passed: killing the browser')
        self.session.kill()

    def _fire_driver(self) -> None:
        logger.warning('Playwright still blocked after the browser kill: killing the driver')
        self.session.kill(driver=True)

    def __enter__(self) -> Watchdog:
        for t in self._timers:
            t.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        for t in self._timers:
            t.cancel()


class BrowserPool:
    """Lazily creates one BrowserSession per calling thread."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._all: list[BrowserSession] = []
        self._lock = threading.Lock()

    def session(self) -> BrowserSession:
        sess = getattr(self._local, 'session', None)
        if sess is None:
            sess = BrowserSession(self.settings)
            self._local.session = sess
            with self._lock:
                self._all.append(sess)
        return sess

    def close(self) -> None:
        with self._lock:
            sessions, self._all = self._all, []
        for sess in sessions:
            sess.close()
        self._local = threading.local()

    def pids(self) -> list[int]:
        with self._lock:
            return [os.getpid(), *(pid for s in self._all for pid in s.pids())]
