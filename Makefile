# ipwatch — the two commands: `make run` (demo app on SQLite) and `make test` (whole suite).
PORT ?= 8000
SYNTHETIC ?= 0
VENV := .venv
PY := $(VENV)/bin/python
REQS_HASH := $(shell sha1sum requirements.txt | cut -c1-12)
STAMP := $(VENV)/.installed-$(REQS_HASH)
# `make run` is the local SQLite demo, whatever DATABASE_URL the shell has.
DEMO_ENV := DEBUG=1 IPWATCH_DEMO_ACCOUNTS=1 DATABASE_URL=

.PHONY: run test venv test-sqlite test-postgres system-deps lint format clean

$(STAMP): requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	@mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_sample_data
	@if [ "$(SYNTHETIC)" != "0" ]; then $(DEMO_ENV) $(PY) manage.py generate_synthetic --incidents $(SYNTHETIC) --seed 1 --replace; fi
	$(DEMO_ENV) $(PY) manage.py create_demo_users
	@# A background-job worker beside the app (imports, syncs); it stops with the app (Ctrl-C).
	$(DEMO_ENV) $(PY) manage.py db_worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

system-deps:
	@bash scripts/ensure-system-packages.sh

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-sqlite: venv
	DATABASE_URL= $(PY) -m pytest

test-postgres: venv
	bash scripts/with-postgres.sh $(PY) -m pytest

test: system-deps venv lint test-sqlite test-postgres

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/ipwatch.sqlite3 staticfiles .pytest_cache
