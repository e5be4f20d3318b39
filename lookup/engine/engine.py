"""The lookup engine: one browser per worker thread, podzamenu first, the fallback site when it applies,
every Playwright failure translated to an Outcome here (the one boundary), evidence on failures."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lookup.engine.browser import SELECTOR_ENGINES, BrowserPool, BrowserSession, BrowserUnavailable, Watchdog
from lookup.engine.identifiers import Identifier, IdType
from lookup.engine.outcomes import Outcome
from lookup.engine.result import ErrorInfo, Evidence, LookupResult, Step
from lookup.engine.run import DeadlineExceeded, PageProblem, Run
from lookup.engine.settings import EngineSettings
from lookup.engine.sites import profrf
from lookup.engine.sites.answer import Answer
from lookup.engine.sites.podzamenu import scripts
from lookup.engine.sites.podzamenu import site as podzamenu
from lookup.engine.tagcheck import verify

logger = logging.getLogger(__name__)
SELECTOR_ENGINES['lk'] = scripts.ENGINE

FALLBACK_AFTER = frozenset({Outcome.VEHICLE_NOT_FOUND, Outcome.NOT_AVAILABLE, Outcome.NOT_FOUND})
SUCCESS_WITHOUT_EVIDENCE = frozenset({Outcome.FOUND, Outcome.MODEL_ONLY})


def evidence_reserve(deadline_s: float) -> float:
    """Seconds kept back from the waits so a timed-out lookup can still take its screenshot."""
    return min(3.0, deadline_s * 0.1)


def wants_fallback(ident: Identifier, outcome: Outcome) -> bool:
    """The fallback site takes VINs only and only after a no-answer outcome; Chinese (L…) VINs are its purpose."""
    return ident.kind is IdType.VIN and ident.value.startswith('L') and outcome in FALLBACK_AFTER


class Engine:
    """`Engine(settings).lookup(identifier)` → LookupResult; never raises for site problems, never retries."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.pool = BrowserPool(settings)
        self.browser_problem: str | None = None
        """Why the browser could not start on the last lookup (None once a lookup got a browser)."""

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, identifier: Identifier, tag: str | None = None, *,
               on_stage: Callable[[str], None] | None = None) -> LookupResult:
        """Run one attempt under the hard deadline and return its outcome with evidence."""
        s = self.settings
        run = Run(s.lookup_deadline_s - evidence_reserve(s.lookup_deadline_s), on_stage)
        evidence = Evidence()
        run.stage('opening')
        session = self.pool.session()
        with Watchdog(session, s.lookup_deadline_s) as dog:
            answer = self._attempt(session, run, identifier, evidence, dog)
        evidence.steps, evidence.selectors_used, evidence.flags = run.steps, run.selectors_used, run.flags
        evidence.duration_ms = run.elapsed_ms()
        evidence.dom_diag = answer.dom_diag
        evidence.text_excerpt = evidence.text_excerpt or answer.text_excerpt
        result = LookupResult(query=identifier.value, id_type=identifier.kind.value, outcome=answer.outcome,
                              vehicle=answer.vehicle, gearbox=answer.gearbox, variants=answer.variants, tag=tag,
                              tag_verification=verify(tag, answer.gearbox), evidence=evidence)
        if not answer.outcome.definitive:
            result.error = ErrorInfo(code=answer.outcome.value, message=answer.message or answer.outcome.value)
        self.browser_problem = answer.message if answer.outcome is Outcome.BROWSER_UNAVAILABLE else None
        logger.info('lookup %s %s → %s in %d ms', identifier.kind, identifier.value, answer.outcome,
                    evidence.duration_ms)
        return result

    def _attempt(self, session: BrowserSession, run: Run, ident: Identifier, evidence: Evidence,
                 dog: Watchdog) -> Answer:
        page: Page | None = None
        opened = run.elapsed_ms()
        try:
            with session.context(timeout_ms=run.ms()) as ctx:
                ctx.add_init_script(scripts.PRELUDE)
                page = ctx.new_page()
                run.page = page
                # Launch (first lookup or after a recycle) + fresh context + page, as one timed step.
                run.steps.append(Step(name='open', detail=f'launch #{session.launches}', started_ms=opened,
                                      duration_ms=run.elapsed_ms() - opened))
                try:
                    answer = self._sites(page, run, ident, evidence)
                except Exception as exc:
                    answer = self._translate(exc, run, dog, session)
                    evidence.waiting_for = run.waiting_for
                if evidence.final_url is None and not page.is_closed():
                    evidence.final_url = page.url
                if answer.outcome not in SUCCESS_WITHOUT_EVIDENCE or answer.parse_failed:
                    self._snapshot(page, run, ident, evidence, dog)
                run.page = None
                return answer
        except Exception as exc:  # launch/connect/context failures, or the watchdog killing the browser
            evidence.waiting_for = evidence.waiting_for or run.waiting_for
            return self._translate(exc, run, dog, session)

    def _sites(self, page: Page, run: Run, ident: Identifier, evidence: Evidence) -> Answer:
        s = self.settings
        evidence.sources_tried.append(podzamenu.SOURCE)
        evidence.source = podzamenu.SOURCE
        answer = podzamenu.lookup(page, run, ident, s.podzamenu_base_url)
        evidence.final_url = page.url
        if not wants_fallback(ident, answer.outcome):
            return answer
        run.stage('fallback')
        evidence.sources_tried.append(profrf.SOURCE)
        try:
            fallback = profrf.lookup(page, run, ident, s.prof_rf_base_url)
        except (PageProblem, PlaywrightError) as exc:
            # The fallback is a bonus: its failure never hides podzamenu's definitive answer.
            logger.info('fallback site failed: %s', exc)
            run.flags['fallbackFailed'] = True
            return answer
        better = fallback.outcome is Outcome.FOUND or (
            answer.outcome is Outcome.VEHICLE_NOT_FOUND and fallback.outcome is Outcome.NOT_AVAILABLE)
        if better:
            evidence.source, evidence.final_url = profrf.SOURCE, page.url
            return fallback
        return answer

    def _translate(self, exc: BaseException, run: Run, dog: Watchdog, session: BrowserSession) -> Answer:
        """The one place where Playwright and flow exceptions become outcomes."""
        if isinstance(exc, BrowserUnavailable):
            logger.error('lookup engine: %s', exc)
            return Answer(Outcome.BROWSER_UNAVAILABLE, message=str(exc))
        if isinstance(exc, PageProblem):
            return Answer(exc.outcome, message=exc.message)
        if dog.fired.is_set() or isinstance(exc, DeadlineExceeded):
            return Answer(Outcome.TIMEOUT, message=f'deadline of {self.settings.lookup_deadline_s:g} s passed '
                                                   f'while waiting for {run.waiting_for or "the page"}')
        if isinstance(exc, PlaywrightTimeout):
            if run.remaining() <= 0.5:
                return Answer(Outcome.TIMEOUT, message=f'timed out waiting for {run.waiting_for or "the page"}')
            return Answer(Outcome.SITE_ERROR, message=f'timeout: {_first_line(exc)}')
        if isinstance(exc, PlaywrightError):
            if session.killed.is_set() or re.search(r'closed|crash|disconnected', str(exc), re.I):
                run.flags['browserCrashed'] = True
                return Answer(Outcome.SITE_ERROR, message=f'browser crashed: {_first_line(exc)}')
            return Answer(Outcome.SITE_ERROR, message=_first_line(exc))
        logger.exception('engine bug during %s', run.waiting_for)
        run.flags['engineError'] = True
        return Answer(Outcome.SITE_ERROR, message=f'{type(exc).__name__}: {exc}')

    def _snapshot(self, page: Page, run: Run, ident: Identifier, evidence: Evidence, dog: Watchdog) -> None:
        """Full-page screenshot and HTML next to each other under the evidence dir (skipped after a kill)."""
        if dog.fired.is_set() or page.is_closed():
            return
        s = self.settings
        stamp = datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')
        folder = s.evidence_dir / datetime.now(UTC).strftime('%Y-%m-%d')
        base = folder / f'{ident.kind}-{re.sub(r"[^A-Za-z0-9-]", "_", ident.value)}-{stamp}'
        started = time.monotonic()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            png, html = base.with_suffix('.png'), base.with_suffix('.html')
            page.screenshot(path=str(png), full_page=True, timeout=5000)
            html.write_text(page.content(), encoding='utf-8')
            evidence.screenshot = _relative(png, s.data_dir)
            evidence.html_snapshot = _relative(html, s.data_dir)
            if evidence.final_url is None:
                evidence.final_url = page.url
        except Exception as exc:
            logger.info('evidence capture failed: %s', exc)
        run.steps.append(_evidence_step(run, started))


def _evidence_step(run: Run, started: float) -> Step:
    ms = int((time.monotonic() - started) * 1000)
    return Step(name='evidence', started_ms=run.elapsed_ms() - ms, duration_ms=ms)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
