# Two commands on a fresh machine:
#   make run   set everything up and serve on http://127.0.0.1:5000 (SQLite)
#   make test  set everything up and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# Debian packages: WeasyPrint needs Pango and a font to draw certificates; the tests also need a real
# Chromium for end-to-end tests and poppler to turn PDFs into images.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
DEBIAN_PACKAGES := $(RUNTIME_PACKAGES) chromium poppler-utils

.PHONY: run setup test lint bench assets translations translations-update system-deps runtime-deps clean

run: setup
	$(BIN)/imsa run --host 127.0.0.1 --port 5000

setup: runtime-deps $(VENV)/.installed assets translations
	$(BIN)/imsa init
	$(BIN)/imsa curriculum load --publish
	$(BIN)/imsa demo

test: system-deps $(VENV)/.installed assets translations lint
	$(BIN)/pytest -n 2 --dist worksteal

# Style, complexity (ruff's C90), formatting, and the layers contract in pyproject.toml.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app tests
	$(BIN)/lint-imports

bench: $(VENV)/.installed assets translations
	$(BIN)/python -m tests.bench

# The virtualenv, from the pinned lock; rebuilt only when the lock or pyproject changes.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# A virtualenv made by uv has no pip: ensurepip brings it before uv is installed into the venv.
	test -x $(BIN)/uv || { $(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip >/dev/null; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check uv; }
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --reinstall-package imsa-platform -e .
	touch $@

# Stylesheet and scripts from govuk-frontend, compiled with Sass; rebuilt when the sources change.
ASSET_SOURCES := package-lock.json scripts/build-assets.mjs $(wildcard app/static/src/*)
assets: app/static/build/.built

app/static/build/.built: $(ASSET_SOURCES)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

# gettext catalogues: the .po files are in the repository (app/translations/<lang>/LC_MESSAGES), the
# compiled .mo files are built here and not committed. `make translations-update` re-extracts every
# marked string into messages.pot and merges it into each catalogue, for the translator.
TRANSLATIONS := app/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
translations: $(PO_FILES:.po=.mo)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) -l $* -i $<

translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --omit-header -k lazy_gettext -k _l \
	  -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

runtime-deps:
	@$(MAKE) --no-print-directory system-deps DEBIAN_PACKAGES="$(RUNTIME_PACKAGES)"

system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) node_modules app/static/build .pytest_cache $(TRANSLATIONS)/*/LC_MESSAGES/messages.mo
