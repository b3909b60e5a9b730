# 督办助手 — two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install run test lint bench catalogs messages clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "duban needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	$(MAKE) catalogs
	@touch $(STAMP)

# Compile the gettext catalogs (locale/*/LC_MESSAGES/duban.po -> .mo).
catalogs:
	$(VENV)/bin/pybabel compile -d locale -D duban

# Re-extract user-facing strings and merge them into the catalogs (for developers).
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -o locale/duban.pot .
	$(VENV)/bin/pybabel update -i locale/duban.pot -d locale -D duban

run: install
	$(PY) -m bot run

test: install
	$(MAKE) lint
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
