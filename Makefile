# The claim desk. `make demo` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
MANAGE := $(BIN)/python manage.py
DEMO_FEED_PORT ?= 8001

.PHONY: venv demo serve worker seed test test-fast fuzz soak lint format migrate backup screenshots benchmark benchmark-scale benchmark-ingest evaluate clean-db

# The virtual environment is built from the lock file alone, and rebuilt when the lock changes.
$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

seed: migrate
	$(MANAGE) load_seeds

# Migrate, load the seed dataset, create the demo users and serve the desk on http://127.0.0.1:8000/.
demo: export DJANGO_DEBUG = 1
demo: export CLAIMDESK_DEMO = 1
demo: seed
	$(MANAGE) demo_users
	@echo "The desk: http://127.0.0.1:8000/  (log in as editor, factchecker, viewer or admin; password: demo)"
	@# One worker beside the web server (it reads new stories, polls feeds, imports links and drops),
	@# and the demo wire: a feed served on 127.0.0.1:8001 and registered for an outlet (ingest/demo.py).
	@# Whatever ends the server (Ctrl-C, SIGTERM, the terminal closing) stops the other two as well.
	@trap 'kill $$worker $$wire 2>/dev/null; wait $$worker $$wire 2>/dev/null' EXIT INT TERM HUP; \
	CLAIMDESK_FETCH_ALLOW_PRIVATE=1 $(MANAGE) procrastinate worker & worker=$$!; \
	$(MANAGE) demo_feed --port $(DEMO_FEED_PORT) & wire=$$!; \
	CLAIMDESK_FETCH_ALLOW_PRIVATE=1 $(MANAGE) runserver 127.0.0.1:8000

# One background worker: the assistant's readings, feed polls, link imports, the drop folder.
# Run as many as needed, on as many machines, against the same database (README: "Workers").
worker: migrate
	$(MANAGE) procrastinate worker

serve: migrate
	$(MANAGE) runserver 127.0.0.1:8000

# The whole suite: unit, API (real HTTP) and browser tests against real PostgreSQL, one worker per
# core (pytest-xdist), each with its own throwaway embedded server and database.
# scripts/find_chromium.py picks the browser (CHROMIUM, a system Chromium, Playwright's cached build),
# else installs one (playwright install, then apt-get as root on Debian or Ubuntu), else stops saying
# what to do: the browser tests are never skipped.
test: venv
	@chromium="$$($(BIN)/python scripts/find_chromium.py)" && CHROMIUM="$$chromium" $(BIN)/python -m pytest -n auto

test-fast: venv
	$(BIN)/python -m pytest -n auto -m "not browser"

# A longer schemathesis run against the API schema.
fuzz: venv
	FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -m fuzz

# 60 s of 50 readers and 5 writers over HTTP against gunicorn on a throwaway embedded database;
# checks afterwards that no acknowledged write was lost (docs/reliability.md). SOAK_ARGS adds flags.
soak: venv
	$(BIN)/python -m scripts.soak $(SOAK_ARGS)

lint: venv
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A pg_dump of whichever database is configured (DATABASE_URL, or the embedded one).
backup: venv
	$(MANAGE) backup

screenshots: venv
	$(MANAGE) screenshots

# Medians of repeated runs on a synthetic dataset (rolled back) and on the seed stories.
benchmark: venv
	$(MANAGE) benchmark
	$(MANAGE) benchmark_assistant

# The desk over HTTP (gunicorn, 2 workers, DEBUG off) on committed archives of 10k and 100k claims,
# built once in var/archive-<size>/ and reused; tables into docs/performance.md. SCALE_ARGS=--million
# adds a 1M-claim archive (its generation alone takes long).
benchmark-scale: venv
	$(BIN)/python -m scripts.benchmark_scale $(SCALE_ARGS)

# A local feed of 1,000 items through fetch, extract, import and the assistant, with one worker
# then two (separate processes), on its own embedded database in var/bench-ingest/; medians into
# docs/performance.md. INGEST_ARGS adds flags (--runs 1, --items 200...).
benchmark-ingest: export CLAIMDESK_PGDATA = $(CURDIR)/var/bench-ingest
benchmark-ingest: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) benchmark_ingest $(INGEST_ARGS)

evaluate: venv
	$(MANAGE) evaluate_assistant
