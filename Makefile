# archkb: `make serve` and `make test` each set everything up on a fresh Debian machine
# that has only python3: the virtualenv, the Python packages, and the system tools
# (Graphviz `dot`; Chromium for the browser tests and the board-pack PDF; poppler-utils' pdftotext to
# test the PDF's text), installed with apt when running as root.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
APT    := DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: serve build test test-fast lint check bench venv dot chromium poppler clean

serve: $(STAMP) dot  ## serve the site on http://127.0.0.1:8000/ (--dirty: an edit rebuilds only what it touches)
	$(BIN)/mkdocs serve --dirty -a 127.0.0.1:8000

build: $(STAMP) dot  ## build the site into site/ (strict, as CI does)
	$(BIN)/mkdocs build --strict

test: $(STAMP) dot chromium poppler  ## lint, check the knowledge base, run the test suite
	$(BIN)/ruff check tooling tests benchmarks
	$(BIN)/mypy
	$(BIN)/archkb check --strict .
	$(BIN)/archkb schema --check
	$(BIN)/pytest -q

test-fast: $(STAMP) dot  ## the quick tier: everything but slow and browser tests
	$(BIN)/pytest -q -m "not slow and not browser"

check: $(STAMP)  ## check the records (what CI runs on pull requests)
	$(BIN)/archkb check .

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || $(MAKE) --no-print-directory _apt PKG=python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

dot:
	@command -v dot >/dev/null 2>&1 || $(MAKE) --no-print-directory _apt PKG=graphviz

chromium:
	@command -v chromium >/dev/null 2>&1 || $(MAKE) --no-print-directory _apt PKG=chromium

poppler:
	@command -v pdftotext >/dev/null 2>&1 || $(MAKE) --no-print-directory _apt PKG=poppler-utils

# Install one Debian package when root; otherwise stop with a one-line instruction.
_apt:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian package $(PKG)"; \
		$(APT) update -qq && $(APT) install -y -qq $(PKG) >/dev/null; \
	else \
		echo "archkb needs '$(PKG)': install it (e.g. 'sudo apt-get install $(PKG)') and run make again" >&2; exit 1; \
	fi

bench: $(STAMP) dot  ## run the benchmarks (slow; not part of make test)
	$(BIN)/python benchmarks/bench_check.py

clean:
	rm -rf site .archkb_cache .pytest_cache .ruff_cache
