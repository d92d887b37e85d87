# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# TORCH_PINS are the versions this project is tested with; override them to get another build,
# e.g. `make TORCH_PINS="torch torchvision --index-url https://download.pytorch.org/whl/cu124" setup`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TORCH_PINS ?= torch==2.14.1 torchvision==0.29.1
# optional extras to install with the package: `make EXTRAS=dev,tf test` adds TensorFlow and Keras (CI does)
EXTRAS ?= dev

.PHONY: setup demo test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q $(TORCH_PINS)
	$(PY) -m pip install -q -e '.[$(EXTRAS)]'
	@touch $@

demo: setup
	$(PY) -m gandoctor demo

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks scripts

bench: setup
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf runs .pytest_cache
