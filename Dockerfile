# One image for web and worker. Not built in our CI (no Docker engine there); kept simple and honest.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv \
    BROWSER_EXECUTABLE=/usr/bin/chromium DATA_DIR=/data NICEGUI_STORAGE_PATH=/data/nicegui

# Debian's Chromium (Playwright's own browser download is not needed) + fonts for Cyrillic screenshots.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .

RUN useradd --create-home app && mkdir -p /data && chown app /data
USER app
VOLUME /data
EXPOSE 8080

# tini reaps Chromium's zombie processes. Web: SIGTERM stops uvicorn gracefully.
# Worker: `huey_consumer … -g TERM` makes SIGTERM graceful too (running lookups finish, up to -t seconds).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/app/.venv/bin/python", "main.py"]
