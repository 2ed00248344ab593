# parcours: two commands do everything on a fresh machine.
#   make run    install, migrate, load the demo event and serve it
#   make test   install what the tests need and run the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# pytest-xdist workers for make test: most tests wait on servers, browsers and sockets, so 3
# workers keep 2 cores busy (TEST_WORKERS=0: one process, as before)
TEST_WORKERS ?= 3
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
JS     := static/vendor/socket.io.min.js static/vendor/jsQR.js
AXE    := node_modules/axe-core/axe.min.js

.PHONY: run test install install-dev lint format bench clean chromium venue-tools translations

run: install $(JS)
	$(BIN)/parcours db upgrade
	$(BIN)/parcours demo
	PORT=$(PORT) $(BIN)/parcours serve --port $(PORT)

test: install-dev $(JS) $(AXE) chromium venue-tools
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEVSTAMP)

node_modules/socket.io-client/dist/socket.io.min.js: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

node_modules/jsqr/dist/jsQR.js: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# axe-core for the accessibility checks of the browser tests (tests/web/test_languages_browser.py
# serves it to the page from node_modules; the app never ships it).
node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/socket.io.min.js: node_modules/socket.io-client/dist/socket.io.min.js
	mkdir -p static/vendor
	cp $< $@

# The QR decoder for phones without BarcodeDetector, loaded only when someone taps "scan".
static/vendor/jsQR.js: node_modules/jsqr/dist/jsQR.js
	mkdir -p static/vendor
	cp $< $@

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Chromium missing and apt unusable: browser tests will be skipped"; fi

# Debian's nginx, Caddy and NSS tools for the venue tests (tests/venue: the configs in deploy/
# run for real; a Chromium trusts the test's own CA through certutil, as docs/deploy.md shows).
venue-tools:
	@if command -v caddy >/dev/null && command -v certutil >/dev/null \
		&& { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light caddy libnss3-tools; \
	else echo "nginx, caddy or certutil missing and apt unusable: venue tests will be skipped"; fi

lint:
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-extract the English msgids, merge them into every catalog (de, en, uk, ar, fa, tr, ru) and
# compile the .mo files (the .mo files are committed: the app reads them at run time). No fuzzy
# guesses: a new msgid stays empty until someone translates it (docs/translating.md). Keep the
# keywords in step with tests/test_translations.py.
BABEL_KEYWORDS := -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2
translations:
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --project=parcours \
		--copyright-holder="parcours contributors" -o parcours/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i parcours/translations/messages.pot -d parcours/translations
	$(BIN)/pybabel compile -d parcours/translations --statistics

bench: install-dev $(JS)
	$(BIN)/python bench/planner.py
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) node_modules static/vendor instance/*.sqlite*
