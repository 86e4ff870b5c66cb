# citecheck — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip
STAMP   = $(VENV)/.installed
DEMO    = citecheck/data/demo/review.zh.md

.PHONY: demo test lint bench bench-parse bench-index train-parser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev,bench]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	mkdir -p bib reports
	$(VENV)/bin/citecheck refs $(DEMO) --format bibtex -o bib/demo.bib
	$(VENV)/bin/citecheck refs $(DEMO) --format csl-json -o bib/demo.csl.json
	$(VENV)/bin/citecheck refs $(DEMO) --format json -o reports/demo.refs.json
	$(VENV)/bin/citecheck refs $(DEMO) --format table -o reports/demo.refs.txt
	@echo "demo: wrote bib/demo.bib bib/demo.csl.json reports/demo.refs.json reports/demo.refs.txt"

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check citecheck tests benchmarks

bench: bench-parse bench-index

bench-parse: $(STAMP)
	$(PY) benchmarks/bench_parse.py

bench-index: $(STAMP)
	$(PY) benchmarks/bench_index.py

train-parser: $(STAMP)
	$(PY) benchmarks/train_parser.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
