"""The few server-side HTML documents: the app shells (no data in them) and the error and block pages."""

from __future__ import annotations

import json
from html import escape

_SHELL = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{prefix}/static/{css}?v={build}">
<script>window.__APP_CONFIG__ = {config};</script>
{scripts}
</head>
<body>
<div id="root"></div>
<noscript>Для работы сайта включите JavaScript.</noscript>
</body>
</html>
"""


APP_SCRIPTS = ('kit.js', 'parts.js', 'catalog.js', 'app.js')
"""The podzamenu bundle, in load order: helpers, the catalogue component, pages and boot."""


def _scripts(prefix: str, names: tuple[str, ...], build: str) -> str:
    return '\n'.join(f'<script defer src="{prefix}/static/{name}?v={build}"></script>' for name in names)


def app_shell(*, page: str, build: str, render_delay_ms: int, title: str,
              switches: frozenset[str] = frozenset()) -> str:
    """The podzamenu SPA shell: the bundle renders everything after DOMContentLoaded, per the rendering switches."""
    config = json.dumps({'page': page, 'build': build, 'renderDelayMs': render_delay_ms,
                         'switches': sorted(switches)})
    return _SHELL.format(lang='ru', title=escape(title), prefix='', css='app.css', build=build, config=config,
                         scripts=_scripts('', APP_SCRIPTS, build))


def profrf_shell(*, build: str, render_delay_ms: int) -> str:
    """The fallback site's shell (китайавто.рус), served under /profrf."""
    config = json.dumps({'build': build, 'renderDelayMs': render_delay_ms, 'base': '/profrf'})
    return _SHELL.format(lang='ru', title='КитайАвто — запчасти для китайских автомобилей', prefix='/profrf',
                         css='profrf.css', build=build, config=config,
                         scripts=_scripts('/profrf', ('profrf.js',), build))


SERVER_ERROR = """<html>
<head><title>500 Internal Server Error</title></head>
<body>
<center><h1>500 Internal Server Error</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""

CAPTCHA = """<!doctype html>
<html lang="ru">
<head><meta charset="utf-8"><title>Проверка безопасности</title>
<style>
body{font-family:Arial,sans-serif;background:#f3f4f6;margin:0;display:flex;align-items:center;justify-content:center;
height:100vh}
.smart-captcha{background:#fff;border-radius:12px;padding:32px 40px;box-shadow:0 2px 12px rgba(0,0,0,.12);width:360px}
.smart-captcha h1{font-size:20px;margin:0 0 12px}
.captcha-checkbox{display:flex;align-items:center;gap:12px;border:1px solid #ccc;border-radius:8px;padding:14px;
margin:20px 0}
.captcha-checkbox span{display:inline-block;width:24px;height:24px;border:2px solid #888;border-radius:4px}
small{color:#777}
</style></head>
<body>
<div class="smart-captcha" id="captcha-container">
<h1>Подтвердите, что вы не робот</h1>
<p>Нам нужно убедиться, что запросы отправляете вы, а не робот.</p>
<form id="challenge-form" action="/checkcaptcha" method="post">
<label class="captcha-checkbox"><span></span>Я не робот</label>
<input type="hidden" name="key" value="sandbox">
</form>
<small>Доступ временно ограничен. Код ошибки: 403</small>
</div>
</body>
</html>
"""
