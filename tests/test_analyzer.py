"""The French analyzer, on a table of inputs and outputs."""

import pytest

from kbchat.text.analyzer import (
    QUERY_STOPWORDS,
    analyze,
    analyze_query,
    char_ngrams,
    fold_accents,
    ngram_terms,
    stem,
    words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Élève Œuvre", "Eleve OEuvre"),
        ("coopération", "cooperation"),
        ("à l’étranger", "a l’etranger"),
    ],
)
def test_fold_accents(text: str, expected: str) -> None:
    assert fold_accents(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L'État", ["état"]),
        ("qu’il l’a dit", ["il", "a", "dit"]),
        ("jusqu'à aujourd'hui", ["à", "aujourd", "hui"]),
        ("police-secours 2010", ["police", "secours", "2010"]),
    ],
)
def test_words_strip_elisions(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La coopération internationale", ["cooper", "international"]),
        ("les coopérations INTERNATIONALES", ["cooper", "international"]),
        ("l'expertise des experts", ["expertis", "expert"]),
        ("Créée en 2010", ["cre", "2010"]),
        ("de la et le", []),
    ],
)
def test_analyze(text: str, expected: list[str]) -> None:
    assert analyze(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("avant dix-huit ans révolus", ["avant", "18", "ans", "révolus"]),
        ("Dix-huit ans", ["18", "ans"]),
        ("quatre-vingt-dix-neuf ans", ["99", "ans"]),
        ("vingt et un jours", ["21", "jours"]),
        ("les deux époux", ["les", "2", "époux"]),
        ("un enfant, une fois", ["un", "enfant", "une", "fois"]),  # « un » and « une » are articles far more often
        ("près de 300 policiers", ["près", "de", "300", "policiers"]),
        ("le deuxième élément de la 8eme colonne", ["le", "2e", "élément", "de", "la", "8e", "colonne"]),
        ("au 10ème siècle, la 15e journée", ["au", "10e", "siècle", "la", "15e", "journée"]),
        ("le 1er régiment, au XIXe siècle", ["le", "1er", "régiment", "au", "xixe", "siècle"]),
    ],
)
def test_numbers_in_words_are_read_as_digits(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_a_question_in_digits_meets_a_text_in_words() -> None:
    assert "17" in analyze_query("Peut-on se marier à 17 ans ?") and "18" in analyze("dix-huit ans révolus")
    assert set(analyze_query("Pendant 30 ans ?")) == set(analyze("pendant trente ans"))


def test_query_analysis_drops_question_words() -> None:
    assert analyze_query("Quand la DCI a-t-elle été créée ?") == ["dci", "cre"]
    assert analyze_query("Combien d'experts ?") == ["expert"]
    assert analyze_query("When was the DCI created?") == ["dci", "created"]


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("Comment prouver qu'un enfant est bien le sien ?", ["prouv", "enfant", "bien"]),
        ("Vivre en couple sans être marié ?", ["vivr", "coupl", "mar"]),
        (
            "Les grands-parents peuvent-ils voir leurs petits-enfants ?",
            ["grand", "parent", "peuv", "voir", "petit", "enfant"],
        ),
    ],
)
def test_query_analysis_drops_auxiliaries_and_possessive_pronouns(question: str, terms: list[str]) -> None:
    assert analyze_query(question) == terms


def test_documents_keep_their_possessive_pronouns() -> None:
    assert analyze("Chacun reprend le sien.") == ["chacun", "reprend", "sien"]


def test_document_and_query_agree_on_accents() -> None:
    assert analyze("sécurité intérieure") == analyze_query("securite interieure")


@pytest.mark.parametrize(
    ("words_in", "n", "expected"),
    [
        (["camp"], 4, {"#cam", "camp", "amp#"}),
        (["camp", "camp"], 3, {"#ca", "cam", "amp", "mp#"}),
        (["a"], 4, {"#a#"}),
        ([], 4, set()),
    ],
)
def test_char_ngrams(words_in: list[str], n: int, expected: set[str]) -> None:
    assert char_ngrams(words_in, n) == expected


@pytest.mark.parametrize(
    ("text", "stopwords", "expected"),
    [
        ("Le camp du Stutthof", None, ["#cam", "#stu", "amp#", "camp", "hof#", "stut", "thof", "ttho", "tutt", "utth"]),
        ("L'Évêché", None, ["#eve", "che#", "eche", "evec", "vech"]),
        ("Quelle était la ville ?", QUERY_STOPWORDS, ["#vil", "ille", "lle#", "vill"]),
        ("Quelle ville ?", None, ["#que", "#vil", "elle", "ille", "lle#", "quel", "uell", "vill"]),
        ("Il y a un an", None, []),
    ],
)
def test_ngram_terms(text: str, stopwords: frozenset[str] | None, expected: list[str]) -> None:
    assert (ngram_terms(text) if stopwords is None else ngram_terms(text, stopwords)) == expected


@pytest.mark.parametrize(
    "forms",
    [
        ("créée", "créé", "créés", "créées"),
        ("implantée", "implanté", "implantés", "implantées"),
        ("rattachée", "rattaché", "rattachés"),
        ("idée", "idées"),
        ("année", "années"),
    ],
)
def test_feminine_participles_stem_as_the_masculine_ones(forms: tuple[str, ...]) -> None:
    assert len({stem(f) for f in forms}) == 1, [stem(f) for f in forms]
