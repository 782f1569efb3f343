# manchette — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/manchette_test

.PHONY: help install run test lint types contracts check pytest test-sqlite test-pg test-browser test-load messages demo clean serve-prod bench serve-moderation

help:
	@echo "make run   - set up everything and serve the demo newsroom on http://127.0.0.1:8000"
	@echo "make test  - lint, types, layer contracts, checks and the whole test suite"

$(STAMP): pyproject.toml
	@PYTHON=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PYTHON"; "$$PYTHON" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	cd manchette && ../$(PY) ../manage.py compilemessages --ignore=.venv -v 0

run: $(STAMP) messages
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) demo --if-empty
	$(MANAGE) runserver 127.0.0.1:8000

demo: $(STAMP)
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) demo

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djhtml --check $$(find manchette -name '*.html' -path '*/templates/*')

types: $(STAMP)
	$(VENV)/bin/mypy manchette tests bench

contracts: $(STAMP)
	$(VENV)/bin/lint-imports

check: $(STAMP) messages
	DJANGO_SETTINGS_MODULE=manchette.settings.production SECRET_KEY=ci-only-$$RANDOM$$RANDOM-not-a-real-secret-key-0123456789abcdef \
	  ALLOWED_HOSTS=news.example.org DATABASE_URL=sqlite:///:memory: $(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	DATABASE_URL=sqlite:///$$(mktemp -d)/migrate-check.sqlite3 $(MANAGE) migrate --no-input -v 0

# pytest exits 5 when it collected nothing: that is a failure here.
test-sqlite: $(STAMP) messages
	$(VENV)/bin/coverage run -m pytest -m "not slow"; rc=$$?; [ $$rc -eq 0 ] || exit $$rc
	$(VENV)/bin/coverage report

# pytest-django creates (and drops) test_<name> on the server in PG_TEST_URL.
test-pg: $(STAMP) messages
	@scripts/ensure-services
	DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest -m "not slow and not browser" -q -p no:randomly

# Production profile on 127.0.0.1:8000: PostgreSQL, Redis, gunicorn, task worker.
serve-prod: $(STAMP) messages
	scripts/serve-prod

# Moderation-only profile: the Perspective-compatible API (/v1alpha1/) and /healthz,
# no CMS pages (docs/perspective.md). Keys: DJANGO_SETTINGS_MODULE=manchette.settings.moderation_only
# .venv/bin/python manage.py apikeys create NAME. Without a model artifact the
# engine scores with its rules alone (moderation.E001), hence --skip-checks.
serve-moderation: $(STAMP) messages
	DJANGO_SETTINGS_MODULE=manchette.settings.moderation_only $(MANAGE) migrate --no-input -v 0 --skip-checks
	DJANGO_SETTINGS_MODULE=manchette.settings.moderation_only $(VENV)/bin/gunicorn -c python:manchette.perspective.gunicorn_conf

# Page and comment benchmarks against the production profile (docs/performance.md).
bench: $(STAMP) messages
	$(PY) bench/pages.py

# The spam wave runs behind the production front (nginx, docs/deployment.md).
test-load: $(STAMP) messages
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null) \
	    || echo "nginx could not be installed; the spam wave test will be skipped." >&2; \
	fi
	$(VENV)/bin/pytest -m slow

test: lint types contracts check test-sqlite test-pg

clean:
	rm -rf $(VENV) .coverage .mypy_cache .ruff_cache test-artifacts db.sqlite3 media
