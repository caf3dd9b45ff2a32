# GridWorker: `make run` (the app on a demo community, with a local sync server), `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SYSDEPS := $(VENV)/.system-deps

.PHONY: run test bench screenshots translations clean

$(SYSDEPS): scripts/system-deps.sh
	bash scripts/system-deps.sh
	mkdir -p $(VENV) && touch $(SYSDEPS)

$(STAMP): pyproject.toml $(SYSDEPS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[ui,dev]'
	touch $(STAMP)

translations: $(STAMP)
	$(PY) scripts/build_translations.py --strict --if-stale

run: $(STAMP) translations
	$(PY) -m gridworker.ui --demo

test: $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadgroup
	$(PY) build_installer.py --smoke

screenshots: $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py
	$(PY) scripts/screenshots_mobile.py

bench: $(STAMP)
	$(PY) -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
