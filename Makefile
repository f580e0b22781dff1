# State of Solutions — the two commands: `make report` builds the demo report, `make test` runs the tests.
# Both create .venv (Python 3.11, pinned dependencies from requirements.lock) on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PARAMS ?= params/global.yml
OUT    ?= outputs
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
SOL    := $(BIN)/solutions
RENDERER ?=

# Quarto for the tests: when no `quarto` is on PATH but the shared installer sits next to this checkout
# (CI clones live beside ../shared; a git worktree's main checkout does), `make test` installs Quarto 1.7.34
# into .quarto-ci/ (ignored) and puts it on PATH for the tests only. Users install Quarto from quarto.org or
# conda-forge (README); without it the Quarto tests skip and the site is rendered with nbconvert.
QUARTO_HOME      := $(CURDIR)/.quarto-ci
GIT_COMMON       := $(shell git rev-parse --path-format=absolute --git-common-dir 2>/dev/null)
QUARTO_INSTALLER ?= $(firstword $(wildcard ../shared/tools/install-quarto $(dir $(GIT_COMMON))../shared/tools/install-quarto))
ifeq ($(shell command -v quarto 2>/dev/null),)
ifneq ($(QUARTO_INSTALLER),)
QUARTO_DEP  := $(QUARTO_HOME)/bin/quarto
QUARTO_PATH := PATH="$(QUARTO_HOME)/bin:$$PATH"
endif
endif

.PHONY: help install sysdeps quarto demo report pdf country build status validate test test-fast lint bench bench-quick bench-peers bench-report screenshots clean distclean

help:
	@echo "make report        build the whole demo report (installs what it needs; RENDERER=quarto|nbconvert)"
	@echo "make pdf           the report's print edition, one PDF (installs Quarto with Typst when needed)"
	@echo "make test          run the test suite (installs what it needs)"
	@echo "make country ISO=QAB   re-run one country and the global pages"
	@echo "make status | validate | lint | bench | bench-quick | bench-peers | bench-report | screenshots | clean"

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (State of Solutions)" >/dev/null
	@touch $@

install: $(STAMP)

sysdeps:
	@tools/system-deps.sh

$(QUARTO_HOME)/bin/quarto:
	$(QUARTO_INSTALLER) $(QUARTO_HOME)

quarto: $(QUARTO_DEP)

# Demo data is generated (never committed); regenerated only when the generator changes.
DEMO_STAMP := data/demo/.generated
$(DEMO_STAMP): $(STAMP) $(wildcard lib/solutions/demo/*.py)
	$(SOL) demo --root .
	@touch $@

demo: $(DEMO_STAMP)

# The demo is an annual series: `solutions demo` also writes the earlier editions' configs under
# data/demo/editions/<year>/. When PARAMS is the generated demo config, they are built first, oldest first (each
# incremental like any build), so that the latest edition finds them under $(OUT)/<year>/ for its trends, "what
# changed" and series. A report of your own (PARAMS not written by the generator) builds only itself.
DEMO_EDITIONS := data/demo/editions
DEMO_HEADER   := written by .solutions demo.
report: $(STAMP) $(DEMO_STAMP) $(if $(filter quarto,$(RENDERER)),$(QUARTO_DEP),)
	@if head -n 1 $(PARAMS) | grep -q "$(DEMO_HEADER)"; then for p in $(DEMO_EDITIONS)/*/global.yml; do \
		[ -f "$$p" ] || continue; echo "earlier demo edition: $$p"; \
		$(if $(filter quarto,$(RENDERER)),$(QUARTO_PATH),) $(SOL) build --params "$$p" --output $(OUT) --jobs $(JOBS) \
			--quiet $(if $(FORCE),--force,) $(if $(RENDERER),--renderer $(RENDERER),) || exit $$?; done; fi
	$(if $(filter quarto,$(RENDERER)),$(QUARTO_PATH),) $(SOL) build --params $(PARAMS) --output $(OUT) --jobs $(JOBS) \
		$(if $(FORCE),--force,) $(if $(RENDERER),--renderer $(RENDERER),)

# The print edition: the built report as one PDF (Quarto's Typst format; Quarto from .quarto-ci/ when none is
# on PATH): $(OUT)/<year>/print/<title>.pdf. Skipped when nothing it is made from changed.
pdf: report $(QUARTO_DEP)
	$(QUARTO_PATH) $(SOL) render --params $(PARAMS) --output $(OUT) --format pdf

build: report

country: $(STAMP)
	@test -n "$(ISO)" || (echo "usage: make country ISO=QAB" && exit 2)
	$(SOL) build --params $(PARAMS) --output $(OUT) --country $(ISO) $(if $(FORCE),--force,)

status: $(STAMP)
	$(SOL) status --params $(PARAMS) --output $(OUT)

validate: $(STAMP)
	$(SOL) validate --params $(PARAMS)

test: $(STAMP) sysdeps $(QUARTO_DEP)
	$(QUARTO_PATH) $(BIN)/python -m pytest -n 2 --dist loadgroup -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not e2e and not browser and not r"

lint: $(STAMP)
	$(BIN)/ruff check lib tests bench
	$(BIN)/python -m mypy

bench: $(STAMP) sysdeps
	$(BIN)/python -m bench

bench-quick: $(STAMP)
	BENCH_QUICK=1 $(BIN)/python -m bench

bench-peers: $(STAMP)
	$(BIN)/python -m bench peers

bench-report: $(STAMP)
	$(BIN)/python -m bench.report

# Front page, a country page and the methods page at 1366 px and 375 px, from both renderers (Quarto when
# available): outputs/<year>/screenshots/<renderer>/. The site is left rendered by nbconvert.
screenshots: $(STAMP) sysdeps report $(QUARTO_DEP)
	$(QUARTO_PATH) $(BIN)/python -m tests.browser.screenshots --site $(OUT) --params $(PARAMS)

clean:
	rm -rf $(OUT)/[0-9]* $(OUT)/bench

distclean: clean
	rm -rf $(VENV) data/demo $(QUARTO_HOME)
