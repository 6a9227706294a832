# Two commands do all set-up on a fresh machine: `make book` and `make test`.
SHELL := /bin/bash
# Python caches compiled byte-code in __pycache__ (git ignores it). An environment that sets PYTHONDONTWRITEBYTECODE
# makes every interpreter -- each test worker, notebook kernel, book build and server -- recompile pandas, scipy,
# matplotlib and the kit from source, about 3.5 s each, some sixty times per `make test`.
unexport PYTHONDONTWRITEBYTECODE
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BUILD := _build

.PHONY: install book test test-stream-book test-stream-unit test-stream-lab kernels check lint unit byo commands nbval browser labtest chromium chromium-install notebooks lab launch bench clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# uv (pinned in requirements.txt) installs the same pinned set in seconds where pip takes minutes of CPU;
	@# pip does it if uv cannot be had
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$$(grep '^uv==' requirements.txt)" \
	  && $(BIN)/uv pip install --python $(BIN)/python --quiet -r requirements.txt \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

## book: execute every chapter (cached) and build the HTML book into _build/html
book: $(STAMP)
	$(BIN)/jupyter-book build . --path-output . --warningiserror --keep-going --nitpick
	@echo "Book: file://$(CURDIR)/$(BUILD)/html/index.html"

## test: everything: lint and types, unit/property tests and doctests, nbval over every chapter, the book build,
## the built book in a browser and the chapters in JupyterLab.
## Each chapter is executed once per cohort: nbval executes it (and tests its outputs and prose numbers) and hands
## the execution to the book's cache, so the book build that follows executes nothing; the byo phase executes
## every chapter once more on a second cohort (tests/test_byo_cohort.py), except chapter 5, which the browser
## test's mini book executes on that cohort.
## Three independent streams share the machine's cores: (numba kernels, nbval, book, browser), (lint, numba kernels,
## unit) and (JupyterLab, byo, commands). The phases that mostly wait on a browser run beside the ones that keep a
## core busy; the unit stream lints while the book stream compiles the kernels it then waits for, and the tests that
## run other processes (the `subprocess` marker: builds, installs, the command line) and the chapters' second-cohort
## runs sit in the stream that would otherwise end first.
## Each stream's output is printed, whole, when it ends, with each phase's wall and CPU time; the first failure
## stops its stream and fails `make test`.
XDIST ?= -n 2
PHASE = { TIMEFORMAT="[make test] $(1): %0R s wall, %0U s user + %0S s system CPU"; time $(MAKE) --no-print-directory $(1); }
## On a machine without Chromium its install (Debian's package, as root) is a fourth job from the start, beside the
## streams; the browser and JupyterLab phases wait for it on a lock. The lab stream starts with JupyterLab, not byo:
## the chapters byo runs need the numba kernels, which the book stream is still compiling then (JupyterLab runs
## chapter 5 only at its end).
test: $(STAMP)
	@TIMEFORMAT="[make test] all phases: %0R s wall, %0U s user + %0S s system CPU"; \
	  time $(MAKE) --no-print-directory -j4 --output-sync=recurse chromium test-stream-book test-stream-unit test-stream-lab

test-stream-book: $(STAMP)
	+@$(call PHASE,kernels) && $(call PHASE,nbval) && $(call PHASE,book) && $(call PHASE,browser)

## In `make test` the chapters' runs on the bring-your-own cohort are the lab stream's `byo` phase and the tests
## marked `subprocess` its `commands` phase, so the unit stream leaves them out; `make unit` alone runs them.
test-stream-unit: export UNIT_ARGS := -m "not subprocess" --deselect tests/test_byo_cohort.py::test_chapter_runs_on_another_cohort
test-stream-unit: $(STAMP)
	+@$(call PHASE,lint) && $(call PHASE,kernels) && $(call PHASE,unit)

test-stream-lab: $(STAMP)
	+@$(call PHASE,labtest) && $(call PHASE,byo) && $(call PHASE,commands)

## commands: the unit tests that run other processes (marker `subprocess`): the wheel and Colab installs, the cached
## book build, nbval's hand-over to the book cache, the command line
commands: $(STAMP)
	$(BIN)/python -m pytest -q -m subprocess tests --ignore=tests/built_book --ignore=tests/lab

## byo: every chapter executed on a second cohort and card (tests/test_byo_cohort.py). Chapter 5 runs on that cohort
## once, in the browser stream: the mini book the explorer test opens (tests/built_book/minibook.py) is that chapter
## executed on that cohort, and its build fails on any error output; so this phase leaves it out.
byo: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_byo_cohort.py \
	  --deselect "tests/test_byo_cohort.py::test_chapter_runs_on_another_cohort[05_responders]"

## kernels: compile the numba kernels once (cached beside their source) before the test processes need them; a lock
## makes a second caller wait for the first and then find them compiled
kernels: $(STAMP)
	@mkdir -p $(BUILD)
	$$(command -v flock >/dev/null && echo flock $(BUILD)/.kernels.lock) $(BIN)/python tests/compile_kernels.py

## check: the inner loop (under a minute): lint, types, unit tests and doctests without the slow ones (no notebooks,
## no book build)
check: $(STAMP)
	$(MAKE) lint
	$(BIN)/python -m pytest $(XDIST) -q -m "not slow" tests sacro_kit book/booksupport book/_ext --doctest-modules \
	  --ignore=tests/built_book --ignore=tests/lab

## lint: ruff (lint and format) and mypy on the package
lint: $(STAMP)
	$(BIN)/ruff check sacro_kit
	$(BIN)/ruff format --check sacro_kit
	$(BIN)/mypy

## unit: unit and property tests (slow ones included) and the docstring examples (the package's and the book
## plumbing's), spread over both cores
UNIT_ARGS ?=
unit: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) $(UNIT_ARGS) tests sacro_kit book/booksupport book/_ext --doctest-modules --ignore=tests/built_book --ignore=tests/lab

## nbval: every chapter re-executed and compared with its stored outputs and prose numbers; one notebook stays on one
## kernel; each chapter that passes is stored in the book's execution cache (book/booksupport/nbval_plugin.py)
nbval: $(STAMP)
	PYTHONPATH=book $(BIN)/python -m pytest -p booksupport.nbval_plugin $(XDIST) --dist loadfile --nbval --nbval-current-env \
	  --nbval-sanitize-with book/nbval_sanitize.cfg --book-cache $(BUILD)/.jupyter_cache book

## browser: open every page of the built book in headless Chromium (Debian's package; no browser download)
browser: $(STAMP) chromium
	$(BIN)/python -m pytest tests/built_book

## labtest: open every chapter in JupyterLab (jupyterlab-myst) in headless Chromium: numbers, no MyST source, solutions
## collapsed, chapter 5's kernel explorer responding
labtest: $(STAMP) chromium
	$(BIN)/python -m pytest tests/lab

## chromium: Debian's Chromium for the browser tests, installed when missing and possible; a second caller waits on
## the lock for the first and then finds it installed
chromium:
	@mkdir -p $(BUILD)
	@$$(command -v flock >/dev/null && echo flock $(BUILD)/.chromium.lock) $(MAKE) --no-print-directory chromium-install

chromium-install:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium package for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is not installed and cannot be installed here: run 'apt-get install chromium' as root"; exit 1; \
	  fi; }

## notebooks: re-execute every chapter in place, refreshing the stored outputs nbval compares against and the prose
## numbers ({eval} results) JupyterLab shows before anything runs
notebooks: $(STAMP)
	cd book && ../$(BIN)/python -m booksupport.myst_eval --timeout 300 *.ipynb

## lab: JupyterLab on the book (chapters render as MyST, widgets working); works as root; prints the URL to open
LAB_PORT ?= 8888
lab: $(STAMP)
	@echo "JupyterLab: open the http://127.0.0.1:... URL printed below (it carries the access token); Ctrl-C stops it."
	$(BIN)/jupyter lab --notebook-dir=book --ip=127.0.0.1 --port=$(LAB_PORT) \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root) $$([ -z "$$DISPLAY" ] && echo --no-browser)

## launch: write _config.yml's repository url/branch into every chapter's first cell (the Colab install fallback)
launch: $(STAMP)
	$(BIN)/python book/booksupport/launch.py book/0*.ipynb

## bench: timings (never part of pass/fail)
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --book

clean:
	rm -rf $(BUILD) .pytest_cache .hypothesis
