# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup demo test lint eval bench clean chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade 'pip>=25.1'
	# torch first: the pinned version takes the local CPU build, never the CUDA one.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[web,dask]' --group dev
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/newsfuse run examples --db out/newsfuse.db --out out

lint: $(STAMP)
	$(BIN)/ruff check src tests eval bench
	$(BIN)/ruff format --check src tests eval bench
	$(BIN)/mypy src

# Browser tests drive Debian's chromium (never a browser download of Playwright's own).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: $(STAMP) chromium
	$(MAKE) lint
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/python eval/clustering.py
	$(BIN)/python eval/extraction.py
	$(BIN)/python eval/quotes.py
	$(BIN)/python eval/samefact.py
	$(BIN)/python eval/summary.py

bench: $(STAMP)
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/fuzz.py --seconds 120
	$(BIN)/python bench/analysis.py
	$(BIN)/python bench/dask.py
	$(BIN)/python bench/incremental.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
