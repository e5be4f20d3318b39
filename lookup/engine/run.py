"""One lookup attempt's clock and trail: the deadline budget every wait draws from, and the step record."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from lookup.engine.outcomes import Outcome
from lookup.engine.result import Step

logger = logging.getLogger(__name__)


class PageProblem(Exception):
    """The page is an error, block or unknown screen: the lookup ends with `outcome` (engine boundary)."""

    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message


class DeadlineExceeded(Exception):
    """The lookup's budget is spent: the lookup ends TIMEOUT and the browser is recycled."""


class Run:
    """Deadline budget, step trail, selectors, flags and stage callbacks of one lookup."""

    def __init__(self, deadline_s: float, on_stage: Callable[[str], None] | None = None) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + deadline_s
        self.steps: list[Step] = []
        self.selectors_used: list[str] = []
        self.flags: dict[str, bool] = {}
        self.waiting_for: str | None = None
        self.page: Any = None
        self._on_stage = on_stage

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0

    def ms(self, cap_s: float | None = None) -> float:
        """Milliseconds left for one wait (at least 1, at most `cap_s`); raises once the deadline has passed."""
        left = self.remaining()
        if left <= 0:
            raise DeadlineExceeded(f'deadline passed before {self.waiting_for or "the next step"}')
        if cap_s is not None:
            left = min(left, cap_s)
        return max(1.0, left * 1000)

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    def stage(self, name: str) -> None:
        if self._on_stage is None:
            return
        try:
            self._on_stage(name)
        except Exception:  # a UI callback must never break a lookup
            logger.exception('on_stage callback failed for %s', name)

    @contextmanager
    def step(self, name: str, detail: str | None = None) -> Iterator[Step]:
        """Record a step with its timing and the page URL afterwards; `waiting_for` names it while it runs."""
        step = Step(name=name, detail=detail, started_ms=self.elapsed_ms())
        self.steps.append(step)
        previous, self.waiting_for = self.waiting_for, name
        try:
            yield step
        finally:
            step.duration_ms = self.elapsed_ms() - step.started_ms
            try:
                step.url = self.page.url if self.page is not None else None
            except Exception:  # the page may be gone after a crash
                step.url = None
        self.waiting_for = previous

    def use(self, selector: str) -> None:
        self.selectors_used.append(selector)


def open_page(page: Any, run: Run, url: str, *, step: str, where: str) -> None:
    """Navigate (DOMContentLoaded, within the budget); an HTTP block or server error ends the lookup there."""
    with run.step(step, url):
        response = page.goto(url, wait_until='domcontentloaded', timeout=run.ms())
    status = response.status if response is not None else 0
    if status in (401, 403, 429):
        raise PageProblem(Outcome.BLOCKED, f'HTTP {status} on {where}')
    if status >= 500:
        raise PageProblem(Outcome.SITE_ERROR, f'HTTP {status} on {where}')
