# kbchat: `make run` serves the chat, `make test` runs the tests, `make eval` writes the benchmark report.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest()[:12])")
PIAF := ../shared/benchmarks/piaf/piaf-v1.0-dev.json
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

FAST := not (model or chroma or spacy or browser)

.PHONY: setup index run chroma test test-fast eval bench lint format clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m kbchat.index.e5_conversion models/multilingual-e5-small
	$(PY) -m kbchat.index.embedding bundled:all-MiniLM-L6-v2 bundled:multilingual-e5-small
	$(PY) -m kbchat.index.word_vectors
	$(PY) -m kbchat.index.lexicon
	rm -f $(VENV)/.installed-*
	touch $@

index: setup
	$(PY) -m kbchat.index.lexicon
	$(VENV)/bin/kbchat ingest

run: index
	$(VENV)/bin/streamlit run chat_app.py --server.headless true --browser.gatherUsageStats false

CHROMA_PATH ?= chroma-server
CHROMA_HOST ?= 127.0.0.1
CHROMA_PORT ?= 8000

# A Chroma server for KBCHAT_CHROMA_URL=http://$(CHROMA_HOST):$(CHROMA_PORT) (see the README, « Server mode »).
chroma: setup
	$(VENV)/bin/chroma run --path $(CHROMA_PATH) --host $(CHROMA_HOST) --port $(CHROMA_PORT)

test: setup
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -q -m "$(FAST)"

# Quality: the PIAF report (docs/evaluation.md), then the encoders side by side (docs/encoders.jsonl).
eval: setup
	$(VENV)/bin/kbchat report --squad $(PIAF) --out docs
	$(PY) bench/encoders.py > docs/encoders.jsonl

# Performance: ingest, reindex, scale (3k/30k/100k chunks), server mode, concurrency; writes docs/benchmarks.md.
bench: setup
	$(PY) bench/report.py --out docs --work bench/out

lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) embeddings/CURRENT embeddings/snapshots embeddings/.lock
