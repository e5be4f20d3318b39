"""/docs and /redoc load every asset from the app itself: an internal network may not reach a CDN."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

pytestmark = pytest.mark.asyncio(loop_scope='module')

# src="…", href="…" and the JavaScript string literals the pages pass to Swagger UI / ReDoc (url: '/openapi.json').
_REFS = re.compile(r'''(?:src|href|spec-url)\s*=\s*["']([^"']+)["']|\burl\s*:\s*["']([^"']+)["']''')


def _references(html: str) -> list[str]:
    return [a or b for a, b in _REFS.findall(html)]


@pytest.mark.parametrize('page', [pytest.param('/docs', id='swagger-ui'), pytest.param('/redoc', id='redoc')])
async def test_docs_pages_reference_only_same_origin_urls_that_load(api: httpx.AsyncClient, page: str) -> None:
    r = await api.get(page)
    assert r.status_code == 200 and r.headers['content-type'].startswith('text/html')
    refs = _references(r.text)
    assert any(ref.endswith('.js') for ref in refs), refs  # the UI bundle is referenced at all
    assert any(ref.endswith('/openapi.json') for ref in refs), refs
    for ref in refs:
        url = urlsplit(urljoin(f'http://test{page}', ref))
        assert (url.scheme, url.netloc) == ('http', 'test'), f'{page} references another origin: {ref}'
        asset = await api.get(url.path)
        assert asset.status_code == 200, f'{ref}: {asset.status_code}'
        assert asset.content


async def test_swagger_ui_bundle_is_served_with_a_javascript_type(api: httpx.AsyncClient) -> None:
    r = await api.get('/docs/assets/swagger-ui-bundle.js')
    assert r.status_code == 200 and 'javascript' in r.headers['content-type']
    assert len(r.content) > 100_000  # the real bundle, not a stub
    assert (await api.get('/docs/assets/swagger-ui.css')).headers['content-type'].startswith('text/css')


async def test_openapi_schema_still_describes_the_api(api: httpx.AsyncClient) -> None:
    schema = (await api.get('/openapi.json')).json()
    assert schema['info']['title'] == 'Podzamenu Lookup'
    assert any(path.startswith('/api/') for path in schema['paths'])
    assert not any(path.startswith('/docs') for path in schema['paths'])
