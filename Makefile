# Every target sets up the local .venv it needs; nothing outside the repo is assumed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.frontwatch-installed

.PHONY: demo test bench venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/frontwatch demo

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench_detect.py
	$(PY) benchmarks/bench_pipeline.py
	$(PY) benchmarks/bench_store.py
	$(PY) benchmarks/bench_web.py
	$(PY) benchmarks/bench_claims.py

clean:
	rm -rf out .pytest_cache .hypothesis
