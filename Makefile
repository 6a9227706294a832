# Two commands do all set-up on a fresh machine: `make book` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BUILD := _build

.PHONY: install book test nbval browser chromium notebooks lab bench clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

## book: execute every chapter (cached) and build the HTML book into _build/html
book: $(STAMP)
	$(BIN)/jupyter-book build . --path-output . --warningiserror --keep-going --nitpick
	@echo "Book: file://$(CURDIR)/$(BUILD)/html/index.html"

## test: unit and property tests, nbval over every chapter, then the book build
test: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/built_book
	$(MAKE) nbval
	$(MAKE) book
	$(MAKE) browser

nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with book/nbval_sanitize.cfg book

## browser: open every page of the built book in headless Chromium (Debian's package; no browser download)
browser: $(STAMP) chromium
	$(BIN)/python -m pytest tests/built_book

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium package for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is not installed and cannot be installed here: run 'apt-get install chromium' as root"; exit 1; \
	  fi; }

## notebooks: re-execute every chapter in place, refreshing the stored outputs nbval compares against
notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=300 book/*.ipynb

## lab: JupyterLab on the book, widgets working
lab: $(STAMP)
	$(BIN)/jupyter lab book

## bench: timings (never part of pass/fail)
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --book

clean:
	rm -rf $(BUILD) .pytest_cache .hypothesis
