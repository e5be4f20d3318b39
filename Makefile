# Podzamenu Lookup. `make run` (embedded default), `make demo` (with the offline sandbox), `make test`.
# Targets that drive a browser first install the system packages (scripts/system-packages.txt) and run the
# preflight (Playwright's driver + headless Chromium + a Cyrillic font), which names what is missing.
UV := .tools/bin/uv
# uv must not download interpreters (no internet beyond package registries): use the system Python 3.11+.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
PYTEST := $(UV) run --locked pytest

.PHONY: run demo worker test test-unit test-e2e test-production bench migrate revision deps system-deps chromium \
	preflight lint clean

$(UV):
	./scripts/ensure-uv.sh

deps: $(UV)
	$(UV) sync --locked

system-deps:
	./scripts/install-system-deps.sh

# Kept for old habits: Chromium is one of the system packages.
chromium: system-deps

preflight: deps system-deps
	$(UV) run --locked python scripts/preflight.py

run: preflight
	$(UV) run --locked python main.py

demo: preflight
	$(UV) run --locked python main.py demo

# The separate worker (production: REDIS_URL set). -g TERM: SIGTERM is graceful too (Docker, systemd).
worker: preflight
	$(UV) run --locked huey_consumer tasks.huey -w 1 -k thread -g TERM -t 100 -m 0.5

# Everything: unit, engine (real Chromium vs the sandbox), integration on SQLite+SqliteHuey AND
# PostgreSQL+Redis, NiceGUI user tests; then the real-browser UI journeys in a second pytest run
# (pytest-playwright's sync loop would break the asyncio tests if they shared a session).
test: preflight
	$(PYTEST) tests --ignore=tests/e2e -q
	$(PYTEST) tests/e2e -q

test-unit: deps
	$(PYTEST) tests/unit -q

test-e2e: preflight
	$(PYTEST) tests/e2e -q

bench: preflight
	$(UV) run --locked python -m bench

migrate: deps
	$(UV) run --locked python main.py migrate

revision: deps
	$(UV) run --locked alembic revision --autogenerate -m "$(m)"

lint: deps
	$(UV) run --locked ruff check .
	$(UV) run --locked lint-imports --no-cache
	$(UV) run --locked mypy

clean:
	rm -rf .venv .tools data .pytest_cache
