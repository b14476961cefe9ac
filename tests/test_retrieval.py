"""Retrieval on the real DCI knowledge base: the first stage's rankings, the reranker's pool, the sentence vectors."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from kbchat.ask.first_stage import best_scores
from kbchat.config import Settings
from kbchat.index.span_pooling import pool_spans, sentence_spans
from kbchat.knowledge_base import KnowledgeBase
from kbchat.text.sentences import split_sentences

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]


@pytest.mark.parametrize(
    ("ranking", "question", "expected"),
    [
        # soft matching finds a paraphrase: « affectés » for « envoyés », policemen for civil servants
        ("soft", "Où sont envoyés les fonctionnaires ?", "affectés"),
        # the 4-grams find misspelled words
        ("ngrams", "La gouvernence des colectivités ?", "gouvernance d'Etat et de collectivités locales"),
    ],
)
def test_a_first_stage_ranking_finds_what_bm25_on_stems_misses(
    dci_kb: KnowledgeBase, ranking: str, question: str, expected: str
) -> None:
    # Spelling correction off: BM25 on stems would then find « gouvernance » and « collectivités » itself.
    retriever = dci_kb.configured(replace(dci_kb.settings, correct_spelling=False)).retriever
    found = retriever.rankings(retriever.analyze(question))
    assert found.lexical == {}
    scores = getattr(found, ranking)
    best = max(scores, key=scores.__getitem__)
    assert expected in dci_kb.indexes.by_id[best].text
    assert best in dict(found.fused)


def test_bm25_alone_uses_its_own_ranking_only(dci_kb: KnowledgeBase) -> None:
    settings = replace(dci_kb.settings, dense_weight=0.0, ngram_weight=0.0, soft_weight=0.0)
    retriever = dci_kb.configured(settings).retriever
    query = retriever.analyze("Combien d'agents compte son réseau ?")
    found = retriever.rankings(query)
    lexical, indexes = found.lexical, dci_kb.indexes
    assert found.dense == {} and query.vector is None
    assert lexical == best_scores(indexes.lexical.scores(query.terms), indexes.lexical.ids, settings.first_stage_k)
    assert [key for key, _ in found.fused] == sorted(lexical, key=lambda key: (-lexical[key], key))


def test_an_open_knowledge_base_keeps_numpy_on_one_blas_thread(dci_kb: KnowledgeBase) -> None:
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_a_blas_loaded_after_opening_runs_on_one_thread_too(dci_index: Settings) -> None:
    # In a fresh process: scipy's own BLAS is loaded after the base is opened (as by a library that imports it).
    script = (
        "import sys; from pathlib import Path; from threadpoolctl import threadpool_info;"
        "from kbchat.config import Settings; from kbchat.knowledge_base import open_knowledge_base;"
        "base = Settings.from_env(env={}).with_(kb_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]));"
        "open_knowledge_base(base, load_model=False).close(); import scipy.linalg;"
        "print(sorted({p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'}))"
    )
    env = {key: value for key, value in os.environ.items() if not key.endswith("_NUM_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(dci_index.kb_dir), str(dci_index.index_dir)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout.strip() == "[1]"


def test_each_sentence_vector_is_its_tokens_pooled_within_the_chunk_in_text_order(dci_kb: KnowledgeBase) -> None:
    indexes = dci_kb.indexes
    chunk = max(indexes.by_id.values(), key=lambda c: len(split_sentences(c.text)))
    sentences = split_sentences(chunk.text)
    assert len(sentences) >= 3
    stored = indexes.sentence_vectors[chunk.chunk_id]
    text = chunk.context_text()
    done = indexes.embeddings.token_pass([text])
    shift = len(indexes.embeddings.passage_prompt)
    fresh = pool_spans(
        done.tokens[0], done.offsets[0], sentence_spans(text, sentences, shift)
    )  # the spans found in the whole context text are those of the passage: its sentences come after the headings
    assert stored.shape == (len(sentences), indexes.embeddings.dimension)
    assert np.allclose(np.sum(stored * np.vstack(fresh), axis=1), 1.0, atol=1e-4)
    alone = indexes.embeddings.encode(sentences)
    assert np.all(np.sum(stored * alone, axis=1) > 0.5)  # close to the sentence read alone, not equal


def test_the_reranker_pool_joins_each_rankings_best_to_the_fused_head(dci_kb: KnowledgeBase) -> None:
    retriever = dci_kb.configured(replace(dci_kb.settings, rerank_depth=1, rerank_each=1)).retriever
    found = retriever.rankings(retriever.analyze("Quand la DCI a-t-elle été créée ?"))
    assert all(found.each)
    expected = {found.fused[0][0]} | {max(r, key=r.__getitem__) for r in found.each}
    pool = retriever.pool(found)
    assert {key for key, _ in pool} == expected and len(pool) > 1
    assert pool == [(key, score) for key, score in found.fused if key in expected]


def test_a_configured_copy_shares_the_indexes_and_leaves_the_original_alone(dci_kb: KnowledgeBase) -> None:
    other = dci_kb.configured(replace(dci_kb.settings, rerank_depth=0, expand_acronyms=False))
    assert other.indexes is dci_kb.indexes and other.retriever.acronyms == {}
    assert dci_kb.retriever.config.rerank_depth == 20 and dci_kb.retriever.acronyms


def test_the_encoder_reads_the_bases_acronyms_spelled_out(dci_kb: KnowledgeBase) -> None:
    retriever, embeddings = dci_kb.retriever, dci_kb.indexes.embeddings
    spelled = "Quand la direction de la coopération internationale a-t-elle été créée ?"
    vector = retriever.analyze("Quand la DCI a-t-elle été créée ?").vector
    assert np.allclose(vector, embeddings.embed_query(spelled), atol=1e-6)
    assert not np.allclose(vector, embeddings.embed_query("Quand la DCI a-t-elle été créée ?"), atol=1e-3)
