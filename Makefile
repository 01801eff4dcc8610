# Two commands do all the set-up on a fresh machine:
#   make demo   - the product with demo data on http://127.0.0.1:8000 (PORT=... to change)
#   make test   - the whole test suite, on SQLite and on PostgreSQL, with browser tests
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_BIN ?= /usr/lib/postgresql/15/bin

# python3.12: on PATH, or from pyenv (these machines ship it there, not as the default).
PYTHON312 := $(shell command -v python3.12 >/dev/null 2>&1 && python3.12 -c '' 2>/dev/null && echo python3.12 || \
	(ls -d $$HOME/.pyenv/versions/3.12*/bin/python3.12 /root/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | tail -n 1))

.PHONY: demo test install install-test assets wheel lint messages clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON312)" || { echo "python3.12 is required (not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required to fetch the NHS.UK frontend"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.package-lock.json

assets: install
	COPRODUCE_DEMO=1 $(PY) manage.py build_frontend

# The production artefact: one wheel with the front-end assets and the Welsh catalogue built in
# (setup.py), installed on servers without npm (README, "Running in production").
wheel: node_modules/.package-lock.json
	@test -x $(PY) || $(MAKE) $(VENV)/.installed
	$(PY) -m pip wheel --no-deps -w dist .

demo: install
	$(VENV)/bin/coproduce demo --port $(PORT)

install-test: install $(VENV)/.installed-test
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }
	COPRODUCE_DEMO=1 $(PY) manage.py build_frontend

lint: install-test
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	COPRODUCE_DEMO=1 COPRODUCE_DATA=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run

# The whole suite on SQLite (browser journeys included) on every core, then on a throwaway
# PostgreSQL only the tests whose outcome depends on the engine (marked `postgres`; the rule is
# enforced by tests/test_suite_rules.py). Each pass prints its 25 slowest tests.
JOBS ?= auto
PYTEST := $(VENV)/bin/pytest -p no:cacheprovider -n $(JOBS) --dist worksteal --durations=25
test: install-test lint
	$(PYTEST)
	PG_BIN=$(PG_BIN) PY=$(PY) bash scripts/with-postgres.sh $(PYTEST) -m "postgres and not browser"

messages: install
	COPRODUCE_DEMO=1 $(PY) manage.py messages

clean:
	rm -rf $(VENV) node_modules coproduce/static_build var build dist
