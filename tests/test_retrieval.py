"""The first stage on the real DCI knowledge base: what 4-gram BM25 and soft matching find that BM25 on stems misses."""

from __future__ import annotations

import copy

from threadpoolctl import threadpool_info

from kbchat.knowledge_base import KnowledgeBase
from kbchat.retrieval import FusionWeights


def test_soft_matching_finds_a_paraphrase_that_bm25_misses(dci_kb: KnowledgeBase) -> None:
    retriever = dci_kb.retriever
    question = "Où sont envoyés les fonctionnaires ?"
    assert retriever.lexical_scores(retriever.query_terms(question)) == {}
    soft = retriever.soft_scores(question)
    best = max(soft, key=soft.__getitem__)
    assert "affectés dans les 74 services" in retriever.by_id[best].text
    assert best in dict(retriever.candidates(question)[0])


def test_character_ngrams_find_a_misspelled_word_that_stems_miss(dci_kb: KnowledgeBase) -> None:
    retriever = dci_kb.retriever
    question = "La gouvernence des colectivités ?"
    assert retriever.lexical_scores(retriever.query_terms(question)) == {}
    ngrams = retriever.ngram_scores(question)
    best = max(ngrams, key=ngrams.__getitem__)
    assert "gouvernance d'Etat et de collectivités locales" in retriever.by_id[best].text


def test_bm25_alone_uses_its_own_ranking_only(dci_kb: KnowledgeBase) -> None:
    retriever = copy.copy(dci_kb.retriever)
    retriever.weights = FusionWeights(dense=0.0)
    fused, lexical, dense, terms = retriever.candidates("Combien d'agents compte son réseau ?")
    assert dense == {} and lexical == retriever.lexical_scores(terms)
    assert [key for key, _ in fused] == sorted(lexical, key=lambda key: (-lexical[key], key))


def test_an_open_knowledge_base_keeps_numpy_on_one_blas_thread(dci_kb: KnowledgeBase) -> None:
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
