# One entry point for people, CI and GitHub Actions. Prerequisites: Python 3.11+ and make
# (plus Chromium for the browser tests, and Node.js for the workflow lint).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_ADDR ?= 127.0.0.1:8000

# Material prints an end-of-life notice on every build. This site pins MkDocs 1.6.1 on purpose
# (README, "Decisions, and why": "MkDocs 1.6.1, pinned"), so the notice is noise in logs and is
# switched off.
export NO_MKDOCS_2_WARNING := 1
# Builds are reproducible: the same sources and SOURCE_DATE_EPOCH give the same bytes.
export PYTHONHASHSEED := 0

.PHONY: help serve build check test audit bench linkcheck lock clean

help:
	@echo "make serve   run the site with live reload at http://$(DEV_ADDR)/"
	@echo "make test    strict build, content checks and the whole test suite (browser included)"
	@echo "make build   strict build into site/"
	@echo "make check   content checks (bibliography, citations, chapter pages) without building"
	@echo "make linkcheck  external links and DOIs (needs the internet; writes linkcheck.md)"
	@echo "make audit   Lighthouse on six page types; fails below the targets (needs Chromium, Node.js)"
	@echo "make bench   build ratios, bibliography scaling, first-view transfer (QUICK=1: small case)"
	@echo "make lock    regenerate requirements.lock from requirements.in"
	@echo "make clean   remove site/ and caches (keeps .venv)"

$(STAMP): requirements.lock package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	@if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --silent --no-audit --no-fund; \
	  else echo "npm not found: the tests that need node_modules (workflow lint, Nu HTML checker, GIFT parser) will be skipped."; fi
	@touch $@

serve: $(STAMP)
	SITE_URL=http://$(DEV_ADDR)/ $(BIN)/mkdocs serve --dirty --no-strict --dev-addr $(DEV_ADDR)

build: $(STAMP)
	$(BIN)/mkdocs build --strict --clean

check: $(STAMP)
	PYTHONPATH=scripts $(BIN)/python -m studyguide check

# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

linkcheck: build
	PYTHONPATH=scripts $(BIN)/python -m studyguide linkcheck --report linkcheck.md

AUDIT_SITE_URL := https://example.org/peer-support-in-prison/
audit: $(STAMP)
	cd scripts/audit && npm ci --silent --no-audit --no-fund
	SITE_URL=$(AUDIT_SITE_URL) $(BIN)/mkdocs build --strict --clean -q
	SITE_URL=$(AUDIT_SITE_URL) $(BIN)/python scripts/audit.py

# QUICK=1: every part of the bench on a small generated case (make test runs it as a smoke test).
bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(if $(QUICK),--quick)

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --output-file requirements.lock requirements.in

clean:
	rm -rf site .pytest_cache .cache linkcheck.md
