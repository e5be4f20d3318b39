"""The OpenAPI pages (/docs, /redoc) with their assets served by the app itself, not from a CDN.

An internal network may not reach a CDN, and FastAPI's default pages load Swagger UI / ReDoc from one: the page
stays blank. The files come from the `fastapi-offline` package (it ships the Swagger UI and ReDoc bundles).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

ASSETS_DIR = Path(fastapi_offline.__file__).parent / 'static'
"""swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png."""
ASSETS_URL = '/docs/assets'
OPENAPI_URL = '/openapi.json'
OAUTH2_REDIRECT_URL = '/docs/oauth2-redirect'


def install(app: FastAPI, *, title: str) -> None:
    """Register /openapi.json, /docs, /redoc and the assets (call instead of `ui.run(fastapi_docs=True)`)."""
    app.openapi_url = OPENAPI_URL
    app.title = title
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name='docs-assets')

    @app.get(OPENAPI_URL, include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get('/docs', include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get('root_path', '')
        return get_swagger_ui_html(openapi_url=f'{root}{OPENAPI_URL}', title=f'{title} · API',
                                   swagger_js_url=f'{root}{ASSETS_URL}/swagger-ui-bundle.js',
                                   swagger_css_url=f'{root}{ASSETS_URL}/swagger-ui.css',
                                   swagger_favicon_url=f'{root}{ASSETS_URL}/favicon.png',
                                   oauth2_redirect_url=f'{root}{OAUTH2_REDIRECT_URL}')

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get('/redoc', include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get('root_path', '')
        return get_redoc_html(openapi_url=f'{root}{OPENAPI_URL}', title=f'{title} · API',
                              redoc_js_url=f'{root}{ASSETS_URL}/redoc.standalone.js',
                              redoc_favicon_url=f'{root}{ASSETS_URL}/favicon.png', with_google_fonts=False)
