"""The Starlette app: podzamenu replica at `/`, the fallback site under `/profrf`, control routes under `/__sandbox`."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import asdict
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lookup.sandbox import html, pages
from lookup.sandbox.modes import parse_mode
from lookup.sandbox.requestlog import RequestLog
from lookup.sandbox.scenarios import get_scenario, load_scenarios

STATIC_DIR = Path(__file__).with_name('static')
ANALYTICS_HOLD_S = 0.25
"""The beacon answers slowly so that, polled every 400 ms, the network is never idle for 500 ms."""


def build_id(seed: int) -> str:
    """Per-seed build hash: the client derives every hashed class name from it."""
    return hashlib.sha1(f'podzamenu-sandbox:{seed}'.encode()).hexdigest()[:8]


def _index(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def create_app(*, seed: int = 0, render_delay_ms: int = 1200, log: RequestLog | None = None,
               mode: str = 'keyed') -> Starlette:
    """Build the app; `log` receives every page and data-API request (the analytics beacon excluded).

    `mode` is a preset or comma-separated rendering switches (`lookup.sandbox.modes`); ValueError if unknown.
    """
    log = log if log is not None else RequestLog()
    build = build_id(seed)
    switches = parse_mode(mode)

    def record(request: Request) -> None:
        log.add(path=request.url.path, query=dict(request.query_params), method=request.method)

    def shell(page: str, title: str) -> HTMLResponse:
        return HTMLResponse(html.app_shell(page=page, build=build, render_delay_ms=render_delay_ms, title=title,
                                           switches=switches))

    async def home(request: Request) -> Response:
        """Home page with the search box."""
        return shell('home', 'podzamenu — контрактные запчасти')

    async def part_search(request: Request) -> Response:
        """The site's own part-number search (links point here; the scraper never opens them)."""
        return shell('part-search', 'Поиск по номеру детали')

    async def search_vehicle(request: Request) -> Response:
        """VIN/FRAME search: an app shell, or the 500 / captcha pages of the failure scenarios."""
        record(request)
        scenario = get_scenario(request.query_params.get('vin', ''))
        if scenario and scenario.kind == 'error500':
            return HTMLResponse(html.SERVER_ERROR, status_code=500)
        if scenario and scenario.kind == 'captcha':
            return HTMLResponse(html.CAPTCHA, status_code=403)
        return shell('vehicle', 'Подбор запчастей по VIN')

    async def api_vehicle(request: Request) -> Response:
        """Vehicle data the shell fetches after DOMContentLoaded."""
        record(request)
        query = request.query_params.get('vin', '')
        return JSONResponse(pages.vehicle_page(get_scenario(query), query, switches=switches))

    async def api_catalog(request: Request) -> Response:
        """One lazily loaded catalogue piece: `?group=N` (accordion children) or `?section=N` (scheme cards)."""
        record(request)
        params = request.query_params
        piece = pages.catalog_part(get_scenario(params.get('vin', '')), group=_index(params.get('group')),
                                   section=_index(params.get('section')))
        return JSONResponse(piece) if piece else JSONResponse({'error': 'no such piece'}, status_code=404)

    async def api_parts(request: Request) -> Response:
        """One parts view, fetched when a Level-3 item, card or section is clicked."""
        record(request)
        query, key = request.query_params.get('vin', ''), request.query_params.get('key', '')
        view = pages.parts_view(get_scenario(query), key)
        return JSONResponse(view) if view else JSONResponse({'error': 'no such view'}, status_code=404)

    async def collect(request: Request) -> Response:
        """Analytics beacon: keeps `networkidle` from ever arriving."""
        await asyncio.sleep(ANALYTICS_HOLD_S)
        return Response(status_code=204)

    async def profrf_home(request: Request) -> Response:
        """Any other fallback-site page: the same shell, which shows nothing without a query."""
        return HTMLResponse(html.profrf_shell(build=build, render_delay_ms=render_delay_ms))

    async def profrf_search(request: Request) -> Response:
        """The fallback site's VIN search shell."""
        record(request)
        return await profrf_home(request)

    async def profrf_api(request: Request) -> Response:
        """The fallback site's data for one VIN."""
        record(request)
        query = request.query_params.get('query', '')
        return JSONResponse(pages.profrf_page(get_scenario(query), query))

    async def requests_(request: Request) -> Response:
        """Every recorded site request, oldest first."""
        return JSONResponse(log.entries())

    async def reset(request: Request) -> Response:
        """Forget the recorded requests."""
        log.reset()
        return JSONResponse({'ok': True})

    async def scenarios(request: Request) -> Response:
        """The scenario catalogue, for demos and humans."""
        return JSONResponse([asdict(s) for s in load_scenarios()])

    routes = [
        Route('/', home), Route('/search', part_search), Route('/search-vehicle', search_vehicle),
        Route('/api/vehicle', api_vehicle), Route('/api/parts', api_parts), Route('/api/catalog', api_catalog),
        Route('/api/collect', collect, methods=['POST']),
        Route('/profrf/search', profrf_search), Route('/profrf/api/search', profrf_api),
        Route('/__sandbox/requests', requests_), Route('/__sandbox/reset', reset, methods=['POST']),
        Route('/__sandbox/scenarios', scenarios),
        Mount('/static', StaticFiles(directory=STATIC_DIR), name='static'),
        Mount('/profrf/static', StaticFiles(directory=STATIC_DIR), name='profrf-static'),
        # Menu, cart and footer links lead somewhere harmless instead of a 404.
        Route('/profrf{path:path}', profrf_home), Route('/{path:path}', home),
    ]
    return Starlette(routes=routes)

