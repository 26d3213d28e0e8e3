# The two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
# PDF (committee papers): Debian packages libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation fonts-dejavu-core;
# the export tests read PDFs with pdftotext (poppler-utils). .ci/run installs them; nothing is fetched at run time.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DEBUG ?= 1

.PHONY: run test lint test-browser bench bench-state-slice loadtest loadtest-fault install migrate demo serve clean messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the accessibility checks of the browser tests (npm registry; pinned in package-lock.json).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm fehlt: die Browser-Tests (tests/browser) werden übersprungen."; fi

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "KIM-Verwaltung läuft auf http://127.0.0.1:8000/ (Anmeldungen siehe oben, Passwort: demo)"
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite, one worker per core (pytest-xdist; a file stays on one worker). One file or test alone:
# .venv/bin/python -m pytest tests/... (serial).
test: install node_modules/.installed
	$(PY) -m pytest -n auto --dist loadfile

# Lint, format, types (pyproject.toml) and the one-way layers without import cycles (scripts/check_layers.py).
lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy && $(PY) scripts/check_layers.py

# Only the Chromium journeys (they are part of `make test` as well).
test-browser: install node_modules/.installed
	$(PY) -m pytest -m browser

# Benchmark (not part of `make test`): own bench databases (SQLite in /tmp, PostgreSQL `kim_bench`
# via BENCH_PG_URL), writes docs/benchmarks.md and docs/benchmarks.json. SCALE=tiny|small|county|state-slice|state,
# BENCH_DB=sqlite|postgres|both; BENCH_ARGS e.g. "--profile" (top functions of the lists → docs/benchmarks-profile.md).
# bench-state-slice: ten counties in one PostgreSQL database → docs/benchmarks-state-slice.md, with the ratio to the
# county run in docs/benchmarks.json (run `make bench` first); the next `make bench` shows it in docs/benchmarks.md.
SCALE ?= county
BENCH_DB ?= both
BENCH_ARGS ?=
bench: install
	DJANGO_SETTINGS_MODULE=config.settings_bench $(PY) manage.py bench --scale $(SCALE) --db $(BENCH_DB) $(BENCH_ARGS)

bench-state-slice: install
	DJANGO_SETTINGS_MODULE=config.settings_bench $(PY) manage.py bench --scale state-slice --db postgres $(BENCH_ARGS)

# Load and fault run against gunicorn + PostgreSQL (not part of `make test`; docs/load.md).
# Creates and drops its own database kim_load; LOADTEST_ARGS e.g. "--users 10 --seconds 30".
loadtest: install
	DEBUG=0 $(PY) scripts/loadtest.py $(LOADTEST_ARGS)

# The same with a PostgreSQL restart in the middle of the run (as root: pg_ctlcluster).
loadtest-fault: install
	DEBUG=0 $(PY) scripts/loadtest.py --fault $(LOADTEST_ARGS)

# English catalogue: collect the marked German strings into locale/en/LC_MESSAGES/django.po (then translate
# the new entries there) and compile django.mo (committed, so `make run` needs no gettext). README "Sprache / Language".
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=artifacts --no-location
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles artifacts
