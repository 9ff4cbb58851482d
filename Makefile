# `make` builds every document under source/ into output/; `make test` runs the tests.
# Both create the virtual environment .venv on first use.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: build test bench clean
build: $(VENV)/installed
	$(VENV)/bin/briefing build

test: $(VENV)/installed
	$(PY) -m pytest -q

bench: $(VENV)/installed
	$(PY) benchmarks/pdf.py
	$(PY) benchmarks/docx_pandoc.py
	$(PY) benchmarks/incremental.py

$(VENV)/installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf output
