"""French lexical analyzer: elisions, stopwords, Snowball stemming, accent folding and character n-grams."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH
from text_to_num import alpha2digit

ELISIONS = ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu")
QUESTION_WORDS = frozenset(
    (
        "quel quelle quels quelles combien quand ou comment pourquoi quoi lequel laquelle lesquels lesquelles "
        "est-ce what when where which who whom whose why how many much does did do is are was were the of in "
        "a an to "
    ).split()
)
EXTRA_STOPWORDS = (
    "a",
    "cet",
    "cette",
    "dont",
    "si",
    "ni",
    "aussi",
    "ainsi",
    "tres",
    "plus",
    "elles",
    "contre",
    "parmi",
    "depuis",
    "entre",
    "chez",
    "vers",
    "sans",
    "sous",
    "selon",
    "celui",
    "celle",
    "ceux",
    "celles",
)


def fold_accents(text: str) -> str:
    """Remove diacritics and ligatures: 'cœur été' -> 'coeur ete'."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


STOPWORDS = frozenset(fold_accents(w) for w in (*STOPWORDS_FRENCH, *EXTRA_STOPWORDS))
# A question's auxiliaries and possessive pronouns (« être marié », « le sien ») ask the passage for no such word.
QUESTION_FUNCTION_WORDS = (
    "être avoir sien sienne siens siennes mien mienne miens miennes tien tienne tiens tiennes leurs"
).split()
QUERY_STOPWORDS = STOPWORDS | frozenset(
    fold_accents(w) for w in (*STOPWORDS_EN, *QUESTION_WORDS, *QUESTION_FUNCTION_WORDS)
)

NGRAM_MIN_LENGTH = 4  # shorter words are mostly function words
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_ORDINAL = re.compile(r"\b(\d+)(?:ème|eme|ième|ieme|è)\b", re.IGNORECASE)
_ELISION = re.compile(r"^(?:{})['’]".format("|".join(ELISIONS)))
_stemmer = Stemmer.Stemmer("french")
MIN_FEMININE = 4  # « -ée » of a longer word is a feminine ending (« créée »), not « fée », « thé »


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball-French stem of one lower-case word, accents folded first so « securite » meets « sécurité »."""
    folded = fold_accents(word)
    if len(folded) > MIN_FEMININE and folded.endswith(("ee", "ees")):
        # Folded, « créée » and « implantées » keep an « e » that « créé » and « implantés » lose: read « -é(s) ».
        folded = folded[:-2] + "s" if folded.endswith("s") else folded[:-1]
    stemmed = _stemmer.stemWord(folded)
    if stemmed == folded and len(folded) > 6 and folded.endswith("ent"):
        # Snowball keeps the 3rd-person plural « luttent »; stem « lutte » so it meets « lutte ».
        return _stemmer.stemWord(folded[:-2])
    return stemmed


def numbers_as_digits(text: str) -> str:
    """Numbers written in words as digits (« dix-huit ans » -> « 18 ans »), « un » and « une » left alone.

    Ordinals end in « e » however written (« deuxième », « 2ème », « 2eme » -> « 2e »).
    """
    return _ORDINAL.sub(r"\1e", alpha2digit(text, "fr", threshold=2))


def words(text: str) -> list[str]:
    """Lower-cased words with elisions removed (« l'État » -> « état »), numbers in digits (« 18 » for « dix-huit »)."""
    out: list[str] = []
    for match in _WORD.finditer(numbers_as_digits(text).lower()):
        word = _ELISION.sub("", match.group())
        if "'" in word or "’" in word:
            out.extend(p for p in re.split(r"['’]", word) if p)
        elif word:
            out.append(word)
    return out


def analyze(text: str, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """Index terms of a text: words minus stopwords, stemmed and accent-folded."""
    folded = (fold_accents(w) for w in words(text))
    return [stem(w) for w in folded if w not in stopwords]


def analyze_query(text: str) -> list[str]:
    """Index terms of a question: like analyze, also dropping question words."""
    return analyze(text, QUERY_STOPWORDS)


def char_ngrams(words: Iterable[str], n: int = 4) -> frozenset[str]:
    """The character n-grams of words marked at both ends (« #mot# »); a shorter word gives itself whole."""
    grams: set[str] = set()
    for word in words:
        marked = f"#{word}#"
        grams.update(marked[i : i + n] for i in range(max(1, len(marked) - n + 1)))
    return frozenset(grams)


@lru_cache(maxsize=1 << 16)
def _word_ngrams(word: str, stopwords: frozenset[str]) -> frozenset[str]:
    """The 4-grams of one word, folded; none for a stopword (words repeat: each is worked out once)."""
    folded = fold_accents(word)
    return frozenset() if folded in stopwords else char_ngrams((folded,))


def ngram_terms(text: str, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """Index terms by spelling: the character 4-grams of a text's words of NGRAM_MIN_LENGTH letters or more."""
    grams: set[str] = set()
    for word in words(text):
        if len(word) >= NGRAM_MIN_LENGTH:
            grams |= _word_ngrams(word, stopwords)
    return sorted(grams)
