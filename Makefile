# `make` builds every document of the project (source/ into output/); `make test` runs the
# tests that a change needs (in-process, a few minutes), `make test-all` all of them, the
# end-to-end command-line tests (marked e2e) too. Each first checks the machine
# (scripts/setup-machine) and creates the virtual environment .venv.
VENV := .venv
PY := $(VENV)/bin/python
# What .venv is made from: the first of these that is Python 3.11 or later. The distribution's
# comes first: Debian and Ubuntu build it with profile-guided and link-time optimisation, and
# it starts and builds a briefing about a quarter faster than a plain build from source (such
# as pyenv's default), at every command an editor types. `make PYTHON=...` picks another.
ifndef PYTHON
PYTHON := $(shell for candidate in /usr/bin/python3 python3; do $$candidate -c \
	'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $$candidate && break; done)
endif
export PYTHON

.PHONY: build test test-e2e test-all bench clean
build: $(VENV)/installed
	$(VENV)/bin/briefing build

test: $(VENV)/installed
	BRIEFING_TEST_POSTGRES=$$(scripts/setup-machine test) $(PY) -m pytest -q -n auto -m "not e2e"

test-e2e: $(VENV)/installed
	BRIEFING_TEST_POSTGRES=$$(scripts/setup-machine test) $(PY) -m pytest -q -m e2e

test-all: test test-e2e

bench: $(VENV)/installed
	scripts/setup-machine bench
	$(PY) benchmarks/pdf.py
	$(PY) benchmarks/docx_pandoc.py
	$(PY) benchmarks/docx_tables.py
	$(PY) benchmarks/linear.py
	$(PY) benchmarks/incremental.py
	$(PY) benchmarks/cold.py
	$(PY) benchmarks/site.py

$(VENV)/installed: pyproject.toml scripts/setup-machine
	scripts/setup-machine build
	test -x $(PY) || $(or $(PYTHON),python3) -m venv $(VENV)  # python3: just installed
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m compileall -q pipeline  # as pip does when it installs a package (not an editable one)
	touch $@

clean:
	rm -rf output
