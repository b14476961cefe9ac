"""Grounded extractive answers: pick the sentences that answer, cite them, or refuse."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kbchat.analyzer import analyze, analyze_query, fold_accents
from kbchat.conversation import retrieval_context
from kbchat.profiles import chunk_profile

if TYPE_CHECKING:
    from kbchat.config import Settings
    from kbchat.retrieval import Passage, Retriever

REFUSAL_MESSAGE = "Je n'ai pas trouvé cette information dans la base de connaissances."
MAX_TOPICS_IN_REFUSAL = 6
RANKED_FOR_EVALUATION = 10
PRECISE_TYPES = ("date", "number")
MARKER_ROOM = len(" [1]")

_NUMBER_WORDS = (
    r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|vingt|trente|quarante|cinquante|soixante"
    r"|cent|cents|mille|million|millions|milliard|milliards|dizaine|centaine|douzaine)"
)
_MONTHS = r"(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)"
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "date": (
        re.compile(
            r"\b(quand|quelle annee|quelle date|quel siecle|en quelle|depuis quand|jusqu'a quand"
            r"|when|what year|what date)\b"
        ),
        re.compile(rf"\b(1\d{{3}}|20\d{{2}}|{_MONTHS}|siecle|annees? \d)\b"),
    ),
    "number": (
        re.compile(r"\b(combien|quel nombre|quelle quantite|nombre de|how many|how much|what number)\b"),
        re.compile(rf"\d|\b{_NUMBER_WORDS}\b"),
    ),
    "place": (
        re.compile(
            r"(\bou\b(?!\s+(bien|non)\b)|\bquel pays\b|\bquelle ville\b|\bquelle region\b|\bdans quel\b|\bwhere\b)"
        ),
        re.compile(r"\b(a|au|aux|en|dans|pres de)\s+(l'|la |le |les )?[A-Z]"),
    ),
    "definition": (
        re.compile(r"\b(qu'est-ce que|qu'est ce que|que signifie|que designe|definition|what is|what are)\b"),
        re.compile(r"\b(est|sont|designe|designent|consiste|signifie|vise|represente)\b"),
    ),
    "person": (
        re.compile(r"^(qui\b|par qui\b|who\b)"),
        re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+"),
    ),
}

_COUNTED = re.compile(r"\b(?:combien d'|combien de |nombre d'|nombre de |how many )([a-z-]{3,})")


@dataclass(frozen=True)
class AnswerPolicy:
    """The weights of answer selection and of the evidence behind a refusal (measured in bench/)."""

    type_weight: float = 0.25
    rank_weight: float = 0.8
    max_sentences: int = 3
    extra_ratio: float = 0.0
    other_passage_ratio: float = 0.0
    evidence_type_weight: float = 0.2
    known_term_weight: float = 0.2
    prefer_typed: bool = True
    context_weight: float = 0.3
    typed_min_ratio: float = 0.5
    share_ratio: float = 0.9


DEFAULT_POLICY = AnswerPolicy()


@dataclass(frozen=True)
class Evidence:
    """What backs an answer: IDF shares of the question's terms found in its passage, and missing but known."""

    matched: float = 0.0
    missing_known: float = 0.0
    typed: bool = False

    def value(self, policy: AnswerPolicy = DEFAULT_POLICY) -> float:
        """The evidence compared with the refusal threshold."""
        return self.matched + policy.known_term_weight * self.missing_known + policy.evidence_type_weight * self.typed


@dataclass(frozen=True)
class Source:
    """A cited passage, numbered by its place in Answer.sources."""

    source: str
    title: str
    section: str
    chunk_id: str
    score: float
    text: str
    quotes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON form."""
        return {
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "chunk_id": self.chunk_id,
            "score": round(self.score, 4),
            "text": self.text,
        }


@dataclass(frozen=True)
class Answer:
    """An answer with its sources, or a refusal (answered False)."""

    answer: str
    answered: bool
    sources: list[Source] = field(default_factory=list)
    evidence: Evidence = Evidence()
    ranked: list[Passage] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON form: answer, answered, sources."""
        return {"answer": self.answer, "answered": self.answered, "sources": [s.to_json() for s in self.sources]}


def question_type(question: str) -> str | None:
    """The kind of answer a question asks for: date, number, place, definition, person, or None."""
    folded = fold_accents(question.lower()).replace("’", "'")
    for name, (asks, _) in ANSWER_TYPES.items():
        if asks.search(folded):
            return name
    return None


def counted_term(question: str) -> str | None:
    """The analyzed term of what a « combien de … » question counts, or None."""
    match = _COUNTED.search(fold_accents(question.lower()).replace("’", "'"))
    terms = analyze(match.group(1)) if match else []
    return terms[0] if terms else None


def has_answer_type(sentence: str, kind: str | None) -> bool:
    """True when the sentence holds the kind of answer asked for."""
    if kind is None:
        return False
    pattern = ANSWER_TYPES[kind][1]
    text = sentence if kind in ("place", "person") else fold_accents(sentence.lower())
    return bool(pattern.search(fold_accents(text)))


def term_matched(term: str, present: Container[str], acronyms: Mapping[str, list[str]]) -> bool:
    """A question term is matched by itself or, for an acronym, by all terms of its expansion."""
    if term in present:
        return True
    expansion = acronyms.get(term)
    return bool(expansion) and all(t in present for t in expansion)


def idf_share(terms: Sequence[str], idf: Callable[[str], float], keep: Callable[[str], bool]) -> float:
    """IDF-weighted share of the terms that keep accepts (0 when the terms weigh nothing)."""
    total = sum(idf(t) for t in terms)
    return sum(idf(t) for t in terms if keep(t)) / total if total > 0 else 0.0


def coverage(
    terms: Sequence[str], present: Container[str], idf: Callable[[str], float], acronyms: Mapping[str, list[str]]
) -> float:
    """IDF-weighted share of the question's terms that the text contains."""
    return idf_share(terms, idf, lambda t: term_matched(t, present, acronyms))


def missing_known_share(
    terms: Sequence[str],
    present: Container[str],
    known: Container[str],
    idf: Callable[[str], float],
    acronyms: Mapping[str, list[str]],
) -> float:
    """IDF-weighted share of the question's terms that the text lacks but the knowledge base contains."""
    return idf_share(terms, idf, lambda t: t in known and not term_matched(t, present, acronyms))


def trim_to(sentence: str, limit: int, terms: Sequence[str]) -> str:
    """Shorten a sentence to at most limit characters around its first word that matches the question."""
    if len(sentence) <= limit:
        return sentence
    tokens = sentence.split()
    wanted = set(terms)
    centre = next((i for i, w in enumerate(tokens) if wanted.intersection(analyze(w))), 0)
    start, end = centre, centre + 1
    while True:
        grew = False
        for candidate in ((start - 1, end), (start, end + 1)):
            s, e = candidate
            if s >= 0 and e <= len(tokens) and len("… " + " ".join(tokens[s:e]) + " …") <= limit:
                start, end, grew = s, e, True
        if not grew:
            break
    text = " ".join(tokens[start:end])
    return f"{'… ' if start > 0 else ''}{text}{' …' if end < len(tokens) else ''}"


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored as an answer."""

    passage_index: int
    sentence_index: int
    sentence: str
    score: float


def score_sentences(
    kind: str | None,
    terms: Sequence[str],
    passages: Sequence[Passage],
    idf: Callable[[str], float],
    acronyms: Mapping[str, list[str]],
    policy: AnswerPolicy = DEFAULT_POLICY,
    context_terms: Sequence[str] = (),
) -> list[Candidate]:
    """Every sentence of the passages, best answer first (a follow-up's earlier question counts a little)."""
    top = max((p.score for p in passages), default=1.0) or 1.0
    candidates: list[Candidate] = []
    for index, passage in enumerate(passages):
        profile = chunk_profile(passage.chunk)
        for position, (sentence, present) in enumerate(zip(profile.sentences, profile.sentence_terms, strict=True)):
            score = (
                coverage(terms, present, idf, acronyms)
                + policy.context_weight * coverage(context_terms, present, idf, acronyms)
                + policy.type_weight * has_answer_type(sentence, kind)
                + policy.rank_weight * passage.score / top
            )
            candidates.append(Candidate(index, position, sentence, score))
    return sorted(candidates, key=lambda c: (-c.score, c.passage_index))


def compose_answer(
    question: str,
    passages: Sequence[Passage],
    idf: Callable[[str], float],
    acronyms: Mapping[str, list[str]],
    *,
    threshold: float,
    max_chars: int,
    topics: Sequence[str] = (),
    top_k: int = 5,
    policy: AnswerPolicy = DEFAULT_POLICY,
    context: str = "",
    known: Container[str] = (),
) -> Answer:
    """Quote the best sentences that fit with citations, or refuse when the evidence is weak.

    known holds the knowledge base's terms: a question term it lacks is a subject the base does not cover.
    """
    context_terms = analyze_query(context) if context else []
    terms = analyze_query(question) or context_terms
    kind = question_type(question)
    candidates = score_sentences(kind, terms, passages, idf, acronyms, policy, context_terms)
    if not candidates:
        return refusal(topics, passages)
    best = _best_candidate(candidates, kind, policy)
    passage = passages[best.passage_index]
    present = chunk_profile(passage.chunk).term_set
    # A number answers « combien de X » only where the passage speaks of X.
    counted = counted_term(question)
    typed = (
        bool(terms)
        and kind in PRECISE_TYPES
        and has_answer_type(best.sentence, kind)
        and (counted is None or term_matched(counted, present, acronyms))
    )
    evidence = Evidence(
        coverage(terms, present, idf, acronyms), missing_known_share(terms, present, known, idf, acronyms), typed
    )
    if evidence.value(policy) < threshold:
        return refusal(topics, passages, evidence)
    chosen = _choose_sentences(best, candidates, max_chars, policy)
    chosen.sort(key=lambda q: (q.passage != best.passage_index, q.passage, q.candidate.sentence_index))
    text, quoted = _cite(chosen, terms, max_chars)
    others = [p for i, p in enumerate(passages) if i not in quoted][: max(0, top_k - len(quoted))]
    sources = [_source(passages[i], tuple(pieces)) for i, pieces in quoted.items()]
    sources += [_source(p) for p in others]
    return Answer(text, True, sources, evidence, list(passages))


def _cite(chosen: Sequence[Quote], terms: Sequence[str], max_chars: int) -> tuple[str, dict[int, list[str]]]:
    """The answer text, one marker after each run of quotes from a passage, and each cited passage's quoted pieces."""
    quoted: dict[int, list[str]] = {q.passage: [] for q in chosen}  # in order of first quote: the marker numbers
    parts: list[str] = []
    for position, quote in enumerate(chosen):
        candidate = quote.candidate
        room = min(quote.limit, max_chars - MARKER_ROOM - (len(" ".join(parts)) + 1 if parts else 0))
        previous = chosen[position - 1].candidate if position else None
        same = previous is not None and previous.passage_index == candidate.passage_index
        gap = same and candidate.sentence_index != previous.sentence_index + 1
        piece = trim_to(candidate.sentence, room - (2 if gap else 0), terms)
        if same:
            # One ellipsis marks any cut between two quotes of the same passage.
            cut = gap or parts[-1].endswith(" …") or piece.startswith("… ")
            parts[-1] = parts[-1].removesuffix(" …")
            piece = ("… " if cut else "") + piece.removeprefix("… ")
        parts.append(piece)
        quoted[quote.passage] += [p.strip() for p in piece.split("…") if p.strip()]
        following = chosen[position + 1] if position + 1 < len(chosen) else None
        if following is None or following.passage != quote.passage:
            parts[-1] += f" [{list(quoted).index(quote.passage) + 1}]"
    return " ".join(parts), quoted


def _best_candidate(candidates: Sequence[Candidate], kind: str | None, policy: AnswerPolicy) -> Candidate:
    """The best sentence; for a date or number question, the best one that holds a date or number."""
    if policy.prefer_typed and kind in PRECISE_TYPES:
        typed = [c for c in candidates if has_answer_type(c.sentence, kind)]
        if typed and typed[0].score >= policy.typed_min_ratio * candidates[0].score:
            return typed[0]
    return candidates[0]


@dataclass(frozen=True)
class Quote:
    """A sentence chosen for the answer and the most characters it may take there."""

    candidate: Candidate
    limit: int

    @property
    def passage(self) -> int:
        """The index of the passage the sentence comes from."""
        return self.candidate.passage_index


def share_room(first: int, second: int, room: int) -> tuple[int, int]:
    """Limits for two sentences sharing room: the first keeps half of it, or more when the second is shorter."""
    kept = min(first, max(room // 2, room - second))
    return kept, room - kept


def _choose_sentences(
    best: Candidate, candidates: Sequence[Candidate], max_chars: int, policy: AnswerPolicy
) -> list[Quote]:
    """The best sentence and those that fit beside it whole; a close runner-up that does not fit shares the room."""
    more = _more_sentences(best, candidates, max_chars - len(best.sentence) - MARKER_ROOM, policy)
    runner_up = next((c for c in candidates if c.sentence != best.sentence), None)
    if (
        runner_up is None
        or runner_up in more
        or policy.max_sentences < 2
        or runner_up.score < policy.share_ratio * best.score
    ):
        return [Quote(c, max_chars) for c in (best, *more)]
    # Room for a separator, two markers and the ellipsis of a gap.
    first, second = share_room(len(best.sentence), len(runner_up.sentence), max_chars - 2 * MARKER_ROOM - len(" … "))
    return [Quote(best, first), Quote(runner_up, second)]


def _more_sentences(
    best: Candidate, candidates: Sequence[Candidate], room: int, policy: AnswerPolicy
) -> list[Candidate]:
    """The next best sentences that fit whole in room characters, up to the policy's number of sentences."""
    chosen: list[Candidate] = []
    quoted = {best.sentence}
    for candidate in candidates:
        if len(chosen) + 1 >= policy.max_sentences or candidate.score < policy.extra_ratio * best.score:
            break
        other = candidate.passage_index != best.passage_index
        if candidate.sentence in quoted or (other and candidate.score < policy.other_passage_ratio * best.score):
            continue
        # A sentence may need a separator, a marker and an ellipsis for the gap before it.
        cost = len(candidate.sentence) + 1 + MARKER_ROOM + len("… ")
        if cost <= room:
            chosen.append(candidate)
            quoted.add(candidate.sentence)
            room -= cost
    return chosen


_CITED = re.compile(r"(.+?) \[(\d+)\](?: |$)")


def citations_grounded(answer: Answer) -> bool:
    """Every cited segment of the answer stands, word for word, in the source its marker points to."""
    if not answer.answered:
        return not answer.sources
    segments = _CITED.findall(answer.answer)
    if not segments or "".join(f"{t} [{n}]" for t, n in segments).replace(" ", "") != answer.answer.replace(" ", ""):
        return False
    for text, number in segments:
        index = int(number) - 1
        if not 0 <= index < len(answer.sources):
            return False
        source = " ".join(answer.sources[index].text.split())
        pieces = [" ".join(p.split()) for p in text.split("…") if p.strip()]
        if not pieces or not all(p in source for p in pieces):
            return False
    return True


def refusal(topics: Sequence[str], passages: Sequence[Passage] = (), evidence: Evidence = Evidence()) -> Answer:
    """The fixed refusal, with the subjects the knowledge base does cover."""
    message = REFUSAL_MESSAGE
    if topics:
        message += " Elle couvre notamment : " + " ; ".join(topics[:MAX_TOPICS_IN_REFUSAL]) + "."
    return Answer(message, False, [], evidence, list(passages))


def _source(passage: Passage, quotes: tuple[str, ...] = ()) -> Source:
    """A passage as a citable source."""
    chunk = passage.chunk
    return Source(chunk.source, chunk.title, chunk.section, chunk.chunk_id, passage.score, chunk.text, quotes)


def answer_question(
    retriever: Retriever,
    question: str,
    settings: Settings,
    history: Sequence[str],
    policy: AnswerPolicy = DEFAULT_POLICY,
) -> Answer:
    """Retrieve for the question, with the previous question when it is a follow-up, and compose the answer."""
    context = retrieval_context(question, history)
    # A follow-up's own words weigh twice its earlier question's in retrieval.
    query = f"{question} {question} {context}" if context else question
    ranked = retriever.search(query, RANKED_FOR_EVALUATION)
    answer = compose_answer(
        question,
        ranked[: settings.top_k],
        retriever.lexical.idf,
        retriever.acronyms,
        threshold=settings.refusal_threshold,
        max_chars=settings.max_answer_chars,
        topics=retriever.topics,
        top_k=settings.top_k,
        policy=policy,
        context=context,
        known=retriever.lexical.doc_freq,
    )
    return replace(answer, ranked=ranked)
