# One image for web and worker. Not built in our CI (no Docker engine there); kept simple and honest.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv \
    BROWSER_EXECUTABLE=/usr/bin/chromium DATA_DIR=/data NICEGUI_STORAGE_PATH=/data/nicegui

# The same system packages as `make system-deps` (scripts/system-packages.txt: Debian's Chromium, libatomic1 for
# Playwright's driver, fonts with Cyrillic), plus tini; not python3-venv: this image's Python has venv already.
COPY scripts/system-packages.txt /tmp/system-packages.txt
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
      $(sed 's/#.*//' /tmp/system-packages.txt | awk 'NF && $1 != "python3-venv" {print $1}') \
 && rm -rf /var/lib/apt/lists/* /tmp/system-packages.txt \
 && pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .
# Fail the build, with the reason, if the driver or Chromium cannot start (same check as `make preflight`).
RUN /app/.venv/bin/python scripts/preflight.py

RUN useradd --create-home app && mkdir -p /data && chown app /data
USER app
VOLUME /data
EXPOSE 8080

# tini reaps Chromium's zombie processes. Web: SIGTERM stops uvicorn gracefully.
# Worker: `huey_consumer … -g TERM` makes SIGTERM graceful too (running lookups finish, up to -t seconds).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/app/.venv/bin/python", "main.py"]
