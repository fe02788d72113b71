# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= runform-output

.PHONY: demo test install install-dev validate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

install-dev: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"

demo: install
	$(BIN)/runform demo --out $(OUT)

test: install-dev
	$(BIN)/python -m pytest -q

validate: install-dev
	$(BIN)/python scripts/validate_mocap.py
	$(BIN)/python scripts/validate_video.py

clean:
	rm -rf $(VENV) $(OUT) build src/*.egg-info
