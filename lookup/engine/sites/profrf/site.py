"""One fallback-site lookup (VIN only)."""

from __future__ import annotations

from playwright.sync_api import Page

from lookup.engine.identifiers import Identifier
from lookup.engine.run import Run
from lookup.engine.sites.answer import Answer
from lookup.engine.sites.profrf import flow, parse

SOURCE = 'profrf'


def lookup(page: Page, run: Run, ident: Identifier, base_url: str) -> Answer:
    snap = flow.open_answer(page, run, base_url, ident.value)
    answer = parse.parse_answer(snap)
    run.use(f'fallback:{answer.outcome}')
    return answer
