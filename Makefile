# The two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
# PDF (committee papers): Debian packages libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation fonts-dejavu-core;
# the export tests read PDFs with pdftotext (poppler-utils). .ci/run installs them; nothing is fetched at run time.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DEBUG ?= 1

.PHONY: run test install migrate demo serve clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "KIM-Verwaltung läuft auf http://127.0.0.1:8000/ (Anmeldungen siehe oben, Passwort: demo)"
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
