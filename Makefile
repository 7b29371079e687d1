# turku-workbooks — every target does its own set-up (virtualenv, locked install,
# Jupyter kernel) so it works the first time on a fresh clone.
#   make report   build the reports from the pinned snapshot  -> reports/
#   make test     the whole test suite (ruff, unit tests, then notebooks with nbval)
#   make lab      JupyterLab on the project kernel
#   make refresh  pull the live datasets (needs network access)
#   make bench    speed measurements -> benchmarks/results/

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := turku-workbooks
STAMP  := $(VENV)/.installed
JOBS   ?= 2

.PHONY: help setup report test lint lab refresh bench notebooks clean

help:
	@sed -n '2,8p' Makefile

$(STAMP): pyproject.toml requirements/lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "turku-workbooks needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/lock.txt -e ".[test,bench,dask,import]"
	$(BIN)/python tools/install-kernel  # registers $(KERNEL) (kernel name: helpers.settings.KERNEL_NAME)
	@touch $(STAMP)

setup: $(STAMP)

# the default report set of reports/schedule.yaml -> reports/default/ + reports/index.html
# (other sets: $(BIN)/workbooks run --set regions -j 2; see docs/scheduling.md)
report: $(STAMP)
	$(BIN)/workbooks run --set default -j $(JOBS)

# Python sources, scripts and notebooks checked with the rules in pyproject.toml ([tool.ruff])
LINTED := src tests benchmarks notebooks tools/import_reference tools/execute-notebooks \
          tools/import-reference-data tools/derive-municipal-mergers tools/annotate-parameters tools/install-kernel \
          tools/i18n

test: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	tools/ensure-chromium
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval notebooks --nbval-sanitize-with notebooks/nbval_sanitize.cfg -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)

# JupyterLab refuses to run as root without --allow-root (containers, WSL, cloud VMs run as root)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $$(test "$$(id -u)" = 0 && echo --allow-root)

refresh: $(STAMP)
	$(BIN)/workbooks data refresh

# re-execute the committed workbooks in place (defaults, pinned snapshot) after a change
notebooks: $(STAMP)
	$(BIN)/python tools/execute-notebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# removes the virtualenv and every generated report (keeps reports/README.md and schedule.yaml)
clean:
	rm -rf $(VENV)
	find reports -mindepth 1 -maxdepth 1 ! -name README.md ! -name schedule.yaml -exec rm -rf {} +
