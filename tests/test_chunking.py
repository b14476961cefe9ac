"""Chunking: no text lost, every chunk within the model's window, stable ids."""

import pytest

from kbchat.corpus.chunking import Block, approximate_tokens, chunk_blocks
from kbchat.index.embedding import SentenceEmbeddings

LONG = " ".join(f"Phrase numéro {i} sur la coopération internationale de la police nationale." for i in range(120))


def words_of(chunks) -> list[str]:
    return " ".join(c.text for c in chunks).split()


@pytest.mark.parametrize(
    ("blocks", "max_tokens", "expected_chunks"),
    [
        ([Block((), "Court.")], 64, 1),
        ([Block(("A",), "Un."), Block(("A",), "Deux.")], 64, 1),
        ([Block(("A",), "Un."), Block(("B",), "Deux.")], 64, 2),
        ([Block((), "mot " * 200)], 64, 6),
    ],
)
def test_chunk_counts(blocks: list[Block], max_tokens: int, expected_chunks: int) -> None:
    chunks = chunk_blocks("doc.md", "Titre", blocks, max_tokens, approximate_tokens)
    assert len(chunks) == expected_chunks
    assert words_of(chunks) == " ".join(b.text for b in blocks).split()


def test_headings_travel_with_chunks() -> None:
    blocks = [Block(("Partie", "Section"), "Texte de la section.")]
    (chunk,) = chunk_blocks("doc.md", "Titre", blocks, 64)
    assert chunk.section == "Partie > Section"
    assert chunk.context_text() == "Titre > Partie > Section\nTexte de la section."


def test_ids_are_stable_and_distinct() -> None:
    blocks = [Block((), LONG)]
    first = chunk_blocks("doc.md", "Titre", blocks, 64)
    second = chunk_blocks("doc.md", "Titre", blocks, 64)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert len({c.chunk_id for c in first}) == len(first)
    assert chunk_blocks("autre.md", "Titre", blocks, 64)[0].chunk_id != first[0].chunk_id


@pytest.mark.model
@pytest.mark.parametrize("max_tokens", [64, 128, 256])
def test_real_tokenizer_window_respected_and_nothing_lost(max_tokens: int) -> None:
    model = SentenceEmbeddings("bundled:all-MiniLM-L6-v2")
    blocks = [
        Block(("Réseau",), LONG),
        Block(("Réseau",), "Son réseau unique compte près de 300 policiers et gendarmes."),
        Block(("Missions", "Opérations"), "Anticonstitutionnellement " * 300),
    ]
    chunks = chunk_blocks("doc.md", "La direction", blocks, max_tokens, model.count_tokens)
    assert all(model.count_tokens(c.context_text()) <= max_tokens for c in chunks)
    assert max_tokens <= model.max_tokens
    assert words_of(chunks) == " ".join(b.text for b in blocks).split()
