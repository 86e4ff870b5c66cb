# citecheck — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip
STAMP   = $(VENV)/.installed
DEMO    = citecheck/data/demo/review.zh.md

.PHONY: demo screenshots fuzz test lint bench bench-parse bench-index bench-match bench-generalise bench-claims bench-docs bench-jobs bench-service bench-index-scale train-parser train-finder clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

DEMO_INDEX = citecheck/data/demo/index.jsonl
DEMO_CACHE = .demo-cache

demo: $(STAMP)
	mkdir -p bib reports
	$(VENV)/bin/citecheck refs $(DEMO) --format bibtex -o bib/demo.parsed.bib
	$(VENV)/bin/citecheck check $(DEMO) --offline --index $(DEMO_INDEX) --cache-dir $(DEMO_CACHE) --fail-on never \
		-o reports/demo.html -o reports/demo.md -o reports/demo.json -o reports/demo.txt \
		-o bib/demo.bib -o bib/demo.csl.json
	$(VENV)/bin/citecheck check $(DEMO) --offline --index $(DEMO_INDEX) --cache-dir $(DEMO_CACHE) --fail-on never \
		--format list --style auto -o reports/demo.list.txt
	$(VENV)/bin/citecheck check $(DEMO) --offline --index $(DEMO_INDEX) --cache-dir $(DEMO_CACHE) --fail-on never \
		--format table

screenshots: demo
	$(PY) tools/screenshots.py

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check citecheck tests benchmarks tools fuzz

bench: bench-parse bench-index bench-match bench-generalise bench-claims bench-docs bench-jobs bench-service

bench-parse: $(STAMP)
	$(PY) benchmarks/bench_parse.py

bench-index: $(STAMP)
	$(PY) benchmarks/bench_index.py

# not part of `make bench`: builds indexes of up to 1M records (about 20 minutes on 2 shared cores)
bench-index-scale: $(STAMP)
	nice $(PY) benchmarks/bench_index_scale.py

bench-match: $(STAMP)
	$(PY) benchmarks/bench_match.py

bench-generalise: $(STAMP)
	$(PY) benchmarks/bench_generalise.py
	$(PY) benchmarks/bench_generalise.py --split test
	$(PY) benchmarks/bench_generalise.py --split fresh
	$(PY) benchmarks/bench_generalise.py --split fresh2
	$(PY) benchmarks/bench_generalise.py --split fresh3
	$(PY) benchmarks/bench_generalise.py --split fresh4
	$(PY) benchmarks/bench_generalise.py --split fresh5
	$(PY) benchmarks/bench_generalise.py --split fresh6
	$(PY) benchmarks/bench_generalise.py --split fresh7
	$(PY) benchmarks/bench_generalise.py --split fresh8
	$(PY) benchmarks/bench_generalise.py --split fresh9
	$(PY) benchmarks/bench_generalise.py --split fresh10
	$(PY) benchmarks/bench_generalise.py --split fresh11
	$(PY) benchmarks/bench_generalise.py --split fresh12

bench-claims: $(STAMP)
	$(PY) benchmarks/bench_claims.py
	$(PY) benchmarks/bench_swaps.py

bench-docs: $(STAMP)
	$(PY) benchmarks/bench_docs.py

bench-jobs: $(STAMP)
	$(PY) benchmarks/bench_jobs.py

bench-service: $(STAMP)
	$(PY) benchmarks/bench_service.py

train-parser: $(STAMP)
	$(PY) benchmarks/train_parser.py

train-finder: $(STAMP)
	$(PY) benchmarks/train_finder.py

fuzz: $(STAMP)
	$(PIP) install --quiet atheris
	$(PY) fuzz/fuzz_pipeline.py -max_total_time=600 -timeout=30 .fuzz-corpus fuzz/corpus

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache $(DEMO_CACHE) .fuzz-corpus crash-* timeout-*
