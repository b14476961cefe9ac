"""Retrieval on the real DCI knowledge base: the first stage's rankings, the reranker's pool, the sentence vectors."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from kbchat.knowledge_base import KnowledgeBase
from kbchat.retrieval import FusionWeights
from kbchat.sentences import split_sentences


@pytest.mark.parametrize(
    ("ranking", "question", "expected"),
    [
        # soft matching finds a paraphrase
        ("soft", "Où sont envoyés les fonctionnaires ?", "affectés dans les 74 services"),
        # the 4-grams find misspelled words
        ("ngrams", "La gouvernence des colectivités ?", "gouvernance d'Etat et de collectivités locales"),
    ],
)
def test_a_first_stage_ranking_finds_what_bm25_on_stems_misses(
    dci_kb: KnowledgeBase, ranking: str, question: str, expected: str
) -> None:
    retriever = dci_kb.retriever
    assert retriever.lexical_scores(retriever.query_terms(question)) == {}
    found = retriever.candidates(question)
    scores = getattr(found, ranking)
    best = max(scores, key=scores.__getitem__)
    assert expected in retriever.by_id[best].text
    assert best in dict(found.fused)


def test_bm25_alone_uses_its_own_ranking_only(dci_kb: KnowledgeBase) -> None:
    retriever = copy.copy(dci_kb.retriever)
    retriever.weights = FusionWeights(dense=0.0)
    found = retriever.candidates("Combien d'agents compte son réseau ?")
    lexical = found.lexical
    assert found.dense == {} and found.vector is None and lexical == retriever.lexical_scores(found.terms)
    assert [key for key, _ in found.fused] == sorted(lexical, key=lambda key: (-lexical[key], key))


def test_an_open_knowledge_base_keeps_numpy_on_one_blas_thread(dci_kb: KnowledgeBase) -> None:
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_each_sentence_vector_is_its_sentence_embedded_in_text_order(dci_kb: KnowledgeBase) -> None:
    retriever = dci_kb.retriever
    chunk = max(retriever.by_id.values(), key=lambda c: len(split_sentences(c.text)))
    sentences = split_sentences(chunk.text)
    assert len(sentences) >= 3
    stored = retriever.sentence_vectors[chunk.chunk_id]
    fresh = retriever.embeddings.encode(sentences)
    assert stored.shape == fresh.shape
    assert np.allclose(np.sum(stored * fresh, axis=1), 1.0, atol=1e-4)


def test_the_reranker_pool_joins_each_rankings_best_to_the_fused_head(dci_kb: KnowledgeBase) -> None:
    retriever = copy.copy(dci_kb.retriever)
    retriever.rerank_depth, retriever.rerank_each = 1, 1
    found = retriever.candidates("Quand la DCI a-t-elle été créée ?")
    rankings = [found.lexical, found.ngrams, found.soft, found.dense]
    assert all(rankings)
    expected = {found.fused[0][0]} | {max(r, key=r.__getitem__) for r in rankings}
    pool = retriever.pool(found)
    assert {key for key, _ in pool} == expected and len(pool) > 1
    assert pool == [(key, score) for key, score in found.fused if key in expected]
