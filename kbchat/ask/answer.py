"""What the answerer returns: the answer or refusal, its cited sources, and the evidence behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbchat.config import AnswerPolicy
from kbchat.corpus.topics import name_key

if TYPE_CHECKING:
    from kbchat.ask.retrieval import Passage


@dataclass(frozen=True)
class Evidence:
    """What backs an answer: IDF shares of the question's terms found in its passage, and missing but known."""

    matched: float = 0.0
    missing_known: float = 0.0
    typed: bool = False
    meaning: float = 0.0
    uncounted: bool = False  # cannot give the number or date asked, or the place named (see weigh_evidence)

    def value(self, policy: AnswerPolicy) -> float:
        """The evidence compared with the refusal threshold: lexical, typed, and by meaning above its floor."""
        if self.uncounted and policy.refuse_uncounted:
            return 0.0
        lexical = (
            self.matched + policy.known_term_weight * self.missing_known + policy.evidence_type_weight * self.typed
        )
        return lexical + policy.evidence_meaning_weight * max(0.0, self.meaning - policy.evidence_meaning_floor)


NO_EVIDENCE = Evidence()


@dataclass(frozen=True)
class Source:
    """A retrieved passage, numbered by its place in Answer.sources; the cited ones come first."""

    source: str
    title: str
    section: str
    chunk_id: str
    score: float
    text: str
    quotes: tuple[str, ...] = ()
    cited: bool = False

    def label(self, number: int) -> str:
        """The citation line: « [n] title — section », the section left out when it only repeats the title."""
        where = f" — {self.section}" if self.section and name_key(self.section) != name_key(self.title) else ""
        return f"[{number}] {self.title}{where}"

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON form."""
        return {
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "chunk_id": self.chunk_id,
            "score": round(self.score, 4),
            "text": self.text,
            "cited": self.cited,
        }


@dataclass(frozen=True)
class Answer:
    """An answer with its sources, or a refusal (answered False); ranked holds the retrieval's passages.

    generated names the language model that wrote the answer ('' when quoted); note tells why it did not, if it failed.
    small_talk names what a message that asked nothing was (a greeting…), which the reply answers without a search.
    corrected holds each misspelt word of the question with the base's word it was read as; unanswered, the parts of
    a message that asks several things that the documents do not answer.
    """

    answer: str
    answered: bool
    sources: list[Source] = field(default_factory=list)
    evidence: Evidence = NO_EVIDENCE
    ranked: list[Passage] = field(default_factory=list)
    generated: str = ""
    note: str = ""
    small_talk: str = ""
    corrected: tuple[tuple[str, str], ...] = ()
    unanswered: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        """True for a refusal: nothing answered, and no small talk replied to."""
        return not self.answered and not self.small_talk

    @property
    def cited(self) -> list[Source]:
        """The sources the answer's markers point to, in marker order."""
        return [s for s in self.sources if s.cited]

    @property
    def quoted(self) -> tuple[tuple[str, str], ...]:
        """Each quoted piece with the file of the source it comes from, in the answer's order."""
        return tuple((s.source, q) for s in self.sources for q in s.quotes)

    @property
    def spelling_note(self) -> str:
        """The line that tells which words of the question were read otherwise (empty when none was)."""
        read = ", ".join(f"« {found} » pour « {typed} »" for typed, found in self.corrected)
        return f"Recherche faite avec {read}." if read else ""

    @property
    def unanswered_note(self) -> str:
        """The line that names the parts of the question the answer leaves out (empty when none is)."""
        parts = " ni à ".join(f"« {part} »" for part in self.unanswered)
        return f"Rien dans les documents ne répond à {parts}." if parts else ""

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON form: the answer, its sources, who wrote it, and the notes beside it."""
        return {
            "answer": self.answer,
            "answered": self.answered,
            "sources": [s.to_json() for s in self.sources],
            "generated_by": self.generated or None,
            "note": self.note or None,
            "small_talk": self.small_talk or None,
            "corrected": [{"typed": typed, "read": found} for typed, found in self.corrected] or None,
            "unanswered": list(self.unanswered) or None,
        }
