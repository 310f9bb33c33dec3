# The two commands: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/base.txt requirements/dev.txt | sha1sum | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | sha1sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: run test venv messages chromium node migrate clean

venv: $(STAMP)

$(STAMP): requirements/base.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Compiled catalogues are build products (.mo is not committed); msgfmt comes from gettext.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	@for po in locale/*/LC_MESSAGES/django.po; do [ -f "$$po" ] && msgfmt --check -o "$${po%.po}.mo" "$$po"; done; true

# The browser tests (tests/browser) drive Debian's Chromium through Playwright; never `playwright install`.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# htmx (served to browsers; collectstatic copies it from node_modules), axe-core (accessibility
# checks in tests/browser) and Lighthouse (bench/lighthouse.py), pinned in package-lock.json;
# installed again only when the lock file changes. Node and npm come from the
# machine (Debian's packages when missing); no browser is downloaded: both use /usr/bin/chromium.
node: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null)
	npm ci --no-audit --no-fund --loglevel=error
	rm -f node_modules/.installed-*
	touch $(NODE_STAMP)

run: $(STAMP) messages $(NODE_STAMP)
	bash bin/run

test: $(STAMP) messages chromium $(NODE_STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var node_modules
