# ftjobs developer commands. `make demo` and `make test` are the README's quick start: each sets up
# its own virtual environment (.venv) first, so they work on a fresh machine with Python 3.11 + make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: install test test-fast test-deps lint regen check-regen demo clean bench spec-report bench-specdiff \
	reliability-report update-history mutate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The whole suite, slow tests included, plus the drift check and the lint.
# Two pytest-xdist workers (the CI machine's cores), a test file per worker at a time: the file's
# module-scoped servers and specs are built once. WORKERS=0 runs in this process.
WORKERS ?= 2
test: $(STAMP) check-regen lint
	$(PY) -m pytest -q -n $(WORKERS) --dist loadfile

# The low end of every runtime range: a second virtual environment with the lowest versions
# pyproject.toml allows (scripts/lowest_pins.py: attrs==23.2, httpx2==2.16), running the suites
# that lean on those dependencies (the engine and its pinned internals, reliability, the server).
# The high end is `make test` itself on a fresh machine (pip resolves the newest). CI runs both.
LOW := .venv-lowest
LOW_SUITES := tests/reliability tests/server tests/facade/test_loopback.py tests/facade/test_client.py \
	tests/facade/test_async_client.py tests/facade/test_against_server.py tests/facade/test_config.py
$(LOW)/.installed: pyproject.toml scripts/lowest_pins.py
	$(PYTHON) -m venv $(LOW)
	$(LOW)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) scripts/lowest_pins.py > $(LOW)/pins.txt
	$(LOW)/bin/python -m pip install --quiet -e '.[test,server,compat]' -r $(LOW)/pins.txt
	touch $(LOW)/.installed

test-deps: $(LOW)/.installed
	@$(LOW)/bin/python -c "import attrs, httpx2, httpcore2; print('lowest:', 'attrs', attrs.__version__, \
		'httpx2', httpx2.__version__, 'httpcore2', httpcore2.__version__)"
	$(LOW)/bin/python -m pytest -q -n $(WORKERS) --dist loadfile $(LOW_SUITES)

test-fast: $(STAMP)
	$(PY) -m pytest -q -n $(WORKERS) --dist loadfile -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check facade scripts tests bench
	$(BIN)/ruff format --check facade scripts tests bench
	$(BIN)/mypy
	$(PY) -m scripts.cli lint openapi/fine_tuning.yaml
	$(PY) -m scripts.cli lint openapi/fine_tuning.portkey.yaml

regen: $(STAMP)
	$(PY) -m scripts.regen

check-regen: $(STAMP)
	$(PY) -m scripts.regen --check

# docs/reliability.md: case counts per group, written by the reliability suite itself.
reliability-report: $(STAMP)
	FTJOBS_RELIABILITY_REPORT=docs/reliability.md $(PY) -m pytest tests/reliability -q

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

# Benchmarks against the official SDKs: one table of ratios (a few minutes). Not tests.
bench: $(BENCH_STAMP)
	$(PY) -m bench.run

spec-report: $(STAMP)
	$(PY) -m scripts.cli report --output docs/spec-history.md

# docs/update-history.md: `ftjobs-spec update` replayed over the OpenAI history (~30 s; a test checks it).
update-history: $(STAMP)
	$(PY) -m scripts.update_history --output docs/update-history.md

MUTATE_STAMP := $(VENV)/.mutate-installed

$(MUTATE_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[mutate]'
	touch $(MUTATE_STAMP)

# Mutation testing of the modules that carry the README's promises -> docs/mutation.md. Not part of
# `make test` (about an hour on 2 cores). cosmic-ray, not mutmut: it mutates one module at a time and
# runs any command as the test, so each module meets only the tests of its area (scripts/mutation.toml,
# with a timeout per module), in a temporary copy of this tree; mutmut 3 needs a ./, src/ or source/
# layout and forks one pytest process per mutant, which the loopback-server tests do not survive.
# MUTATE_ARGS: e.g. `--module _retry.py --sample 0` (one module, every mutant); see scripts/mutate.py.
mutate: $(MUTATE_STAMP)
	$(PY) -m scripts.mutate $(MUTATE_ARGS)

bench-specdiff: $(STAMP)
	$(PY) -m scripts.bench_specdiff

demo: $(STAMP)
	$(PY) -m scripts.demo

clean:
	rm -rf $(VENV) $(LOW) build *.egg-info facade/*.egg-info .pytest_cache .mypy_cache .ruff_cache
