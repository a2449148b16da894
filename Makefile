# fupin — two commands: `make demo` (set up, load the demo, serve) and `make test`;
# `make lint` checks style, layers and types.
# Everything a fresh Debian machine with Python 3.11 and Node 20 needs is installed here.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages: gettext (messages), CJK fonts and Pango (PDF notices via WeasyPrint, screenshots),
# Noto Sans Mongolian (fonts-noto-core: the bilingual public notices),
# Chromium (browser tests), poppler-utils (pdftoppm/pdftotext in the PDF tests).
DEB_RUN := gettext fonts-noto-cjk fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0
DEB_TEST := chromium poppler-utils

.PHONY: demo demo-db test setup venv sysdeps sysdeps-test assets messages db serve lint bench clean

# The demo's database (schema, divisions, `fupin demo`) builds on one core while npm, the
# assets and the messages take the other; the server starts when both are done.
demo:
	$(MAKE) --no-print-directory -j2 assets demo-db
	$(BIN)/fupin serve --host $(HOST) --port $(PORT)

# A fresh file gets its schema from the models in seconds (`fupin demo_schema`, docs/demo.md);
# an existing one is migrated. `fupin demo` loads the Hinggan divisions when they are missing.
demo-db: venv sysdeps
	mkdir -p var
	test -s var/secret_key || (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key)
	$(BIN)/fupin demo_schema --verbosity 0
	$(BIN)/fupin demo --if-empty $(if $(PASSWORD),--password "$(PASSWORD)")

setup: venv sysdeps assets db

# uv installs the locked packages several times faster than pip (a minute of every CI run);
# --compile-bytecode writes the .pyc files here, once, not in the first commands that import them.
UV_VERSION := 0.13.9
UV := $(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -c requirements.lock
venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(UV) -e '.[dev]'
	touch $@

# Installs missing Debian packages (needs root, as on the project's machines and CI).
sysdeps:
	@missing=$$(for p in $(DEB_RUN); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

sysdeps-test: sysdeps
	@missing=$$(for p in $(DEB_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# Front-end libraries from package-lock.json, copied into static (nothing from a CDN).
assets: venv node_modules/.installed messages
	$(BIN)/python -m fupin.build_assets
	$(BIN)/fupin collectstatic --noinput --verbosity 0

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: venv sysdeps
	$(BIN)/fupin compilemessages --ignore '.venv/*' --ignore 'node_modules/*' --verbosity 0

db: venv
	mkdir -p var
	test -s var/secret_key || (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key)
	$(BIN)/fupin migrate --noinput --verbosity 0
	$(BIN)/fupin areas load

serve: setup
	$(BIN)/fupin serve --host $(HOST) --port $(PORT)

# Style, the layers (import contracts in pyproject.toml) and the types of services and
# selectors: docs/architecture.md, "What `make lint` checks".
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# The whole suite on SQLite (with the bounded API fuzz run, tests/api/test_schema_fuzz.py), then
# on PostgreSQL when FUPIN_TEST_PG is a database URL (without it: the fuzz tests the schema), each on
# TEST_WORKERS processes (pytest-xdist; the demo's tests stay together on one, tests/conftest.py).
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup --durations=15
test: venv sysdeps-test assets
	mkdir -p var
	$(BIN)/fupin makemigrations --check --dry-run --verbosity 0
	$(PYTEST)
	@if [ -n "$$FUPIN_TEST_PG" ]; then \
		echo "== PostgreSQL: $$FUPIN_TEST_PG"; \
		DATABASE_URL="$$FUPIN_TEST_PG" $(PYTEST) -m 'not e2e and not fuzz'; \
	fi

bench: venv
	$(UV) -e '.[dev,bench]'
	$(BIN)/python -m bench.run_all $(if $(ROWS),--import-rows $(ROWS))

clean:
	rm -rf $(VENV) node_modules fupin/static/vendor staticfiles
