"""Composition root: logging, settings, routes and pages, startup/shutdown, ui.run.

    python main.py                 the app (embedded default: SQLite + in-process Huey consumer)
    python main.py demo            the app + the offline site sandbox + demo data
    python main.py create-user …   see `python main.py --help`
"""

from __future__ import annotations

import logging
import os
import sys

DEMO = len(sys.argv) > 1 and sys.argv[1] == 'demo' and not os.environ.get('NICEGUI_USER_SIMULATION')
if DEMO:
    from lookup.demo_env import prepare_demo_environment

    prepare_demo_environment()

from lookup.settings import get_settings  # noqa: E402  (demo mode sets the environment first)

settings = get_settings()
os.environ.setdefault('NICEGUI_STORAGE_PATH', str(settings.data_dir / 'nicegui'))
logging.basicConfig(level=settings.log_level, format='%(asctime)s %(levelname)s %(name)s: %(message)s')

from nicegui import app, ui  # noqa: E402

from lookup import db, demo, queue  # noqa: E402
from lookup.users import has_users  # noqa: E402
from lookup.web import api, docs, ops  # noqa: E402
from ui import i18n, live, session  # noqa: E402
from ui.pages import batches, cache, conversation, conversations, dashboard, login, replies, users  # noqa: E402

logger = logging.getLogger('main')
TITLE = 'Podzamenu Lookup'


def startup() -> None:
    db.migrate()
    if settings.demo_mode:
        demo.seed()
    elif not has_users():
        logger.warning('No users yet. Create the first admin: python main.py create-user NAME --tenant SLUG '
                       '--role admin  (or `make demo` for a sandbox with demo logins)')
    if settings.run_embedded_worker:
        queue.start_embedded()
    app.timer(queue.REQUEUE_INTERVAL_S, queue.requeue_parked)  # cases parked while the queue was down
    if settings.metrics_bind:
        ops.serve_metrics(settings.metrics_bind)


def shutdown() -> None:
    if settings.run_embedded_worker:
        queue.stop_embedded()


def setup() -> None:
    """Register everything on NiceGUI's app (re-run by the `user` test fixture, which resets NiceGUI's globals)."""
    app.add_middleware(session.AuthMiddleware)
    session.register()
    api.install(app)
    docs.install(app, title=TITLE)  # /docs and /redoc with their assets served locally (no CDN)
    for page in (login, conversations, conversation, batches, cache, dashboard, users, replies):
        page.register()
    live.install()
    i18n.install()  # Quasar's language pack per page (table footers, «Нет данных»)
    app.on_startup(startup)
    app.on_shutdown(shutdown)


setup()

if __name__ in {'__main__', '__mp_main__'}:
    if len(sys.argv) > 1 and sys.argv[1] not in ('demo',) and not os.environ.get('NICEGUI_USER_SIMULATION'):
        from lookup.cli import main as cli_main

        sys.exit(cli_main(sys.argv[1:]))
    live.tune_gc()  # short, rare GC pauses: pushes to many open pages are not held up behind them
    try:
        ui.run(host=settings.host, port=settings.port, title=TITLE,
               storage_secret=settings.session_secret(),
               session_middleware_kwargs=session.cookie_options(), reload=False, show=False, language='ru',
               favicon='⚙️')
    except KeyboardInterrupt:
        # uvicorn has already shut down gracefully (on_shutdown ran, the consumer stopped) and then re-raises the
        # captured SIGINT; that surfaces here as KeyboardInterrupt. Ctrl-C is a normal way to stop: exit 0, quietly.
        logger.info('stopped (SIGINT)')
