# fuqing — `make run` starts the platform on an embedded database; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := fuqing.settings
# Tests run on every core (pytest-xdist); PYTEST_ARGS="-n0 -k …" for one test in one process.
PYTEST_ARGS ?= -n auto

.PHONY: browser-deps run install install-dev migrate demo worker test test-sqlite test-postgres lint format bench messages clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt requirements/base.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements/dev.txt
	touch $(VENV)/.base-installed $@

install: $(VENV)/.base-installed

install-dev: $(VENV)/.dev-installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo --if-empty

# Serve on http://$(HOST):$(PORT) with a background worker; Ctrl-C stops both.
run: demo
	@echo "fuqing: http://$(HOST):$(PORT)  (demo accounts: see README.md; worker: manage.py db_worker)"
	@$(PY) manage.py db_worker --queue-name default --no-startup-delay & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn fuqing.wsgi:application --bind $(HOST):$(PORT) --workers 2 --threads 4 --timeout 120 \
		--access-logfile - --log-level warning

worker: install
	$(PY) manage.py db_worker

# Browser tests need Debian's Chromium and CJK fonts; the print tests convert ledgers and Word documents
# to PDF with LibreOffice and read them with poppler's pdftotext. Installed when missing and we are root.
OFFICE_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and fonts-noto-cjk"; \
		(apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)); \
	fi
	@if { ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null; } && [ "$$(id -u)" = "0" ] \
		&& command -v apt-get >/dev/null; then \
		echo "installing $(OFFICE_PACKAGES)"; \
		(apt-get install -y -qq --no-install-recommends $(OFFICE_PACKAGES) >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && \
		  apt-get install -y -qq --no-install-recommends $(OFFICE_PACKAGES) >/dev/null)); \
	fi

test: install-dev browser-deps
	$(MAKE) test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) test-postgres; else echo "DATABASE_URL not set: PostgreSQL run skipped"; fi

test-sqlite: install-dev
	env -u DATABASE_URL -u REDIS_URL FUQING_VAR_DIR=$(CURDIR)/var/test-sqlite $(VENV)/bin/pytest -q $(PYTEST_ARGS)

test-postgres: install-dev
	FUQING_VAR_DIR=$(CURDIR)/var/test-postgres $(VENV)/bin/pytest -q $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check fuqing tests bench
	$(VENV)/bin/ruff format --check fuqing tests bench

format: install-dev
	$(VENV)/bin/ruff format fuqing tests bench
	$(VENV)/bin/ruff check --fix fuqing tests bench

messages: install-dev
	cd fuqing && ../$(PY) ../manage.py makemessages -l en --no-obsolete --ignore 'static/*' && ../$(PY) ../manage.py compilemessages -l en

bench: install-dev
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
