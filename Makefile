# kbchat: `make run` serves the chat, `make test` runs the tests, `make eval` writes the benchmark report.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest()[:12])")
PIAF := ../shared/benchmarks/piaf/piaf-v1.0-dev.json
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup index run test eval lint format clean

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

index: setup
	$(PY) ingest.py

run: index
	$(VENV)/bin/streamlit run chat_app.py --server.headless true --browser.gatherUsageStats false

test: setup
	$(PY) -m pytest

eval: setup
	$(PY) -m kbchat report --squad $(PIAF) --out docs

lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) embeddings/CURRENT embeddings/snapshots embeddings/.lock
