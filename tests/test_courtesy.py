"""Courtesy: greetings, thanks and request phrases around a question, and messages that hold nothing else."""

import pytest

from kbchat.ask.query import analyze_question
from kbchat.ask.small_talk import small_talk_reply
from kbchat.text.courtesy import small_talk, split_preamble, without_courtesy


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Bonjour", "greeting"),
        ("Bonsoir !", "greeting"),
        ("Salut à tous", "greeting"),
        ("Bonjour, comment ça va ?", "greeting"),
        ("Merci beaucoup !", "thanks"),
        ("Merci pour votre aide", "thanks"),
        ("Très bien, merci", "thanks"),
        ("Ok", "acknowledgement"),
        ("Au revoir", "farewell"),
        ("Merci, au revoir !", "farewell"),
        ("Qui es-tu ?", "help"),
        ("Aide", "help"),
        # Questions on the assistant itself get the help reply, which says where answers come from.
        ("Quelles sont tes sources ?", "help"),
        ("D'où viennent vos informations ?", "help"),
        ("Sur quels documents te bases-tu ?", "help"),
        ("Tes réponses sont-elles fiables ?", "help"),
        ("Tu es un robot ?", "help"),
        ("Êtes-vous une intelligence artificielle ?", "help"),
        ("Are you a bot?", "help"),
        ("De quoi parles-tu ?", "help"),
        ("Quels sujets couvres-tu ?", "help"),
        ("Sur quels sujets puis-je t'interroger ?", "help"),
        ("Quelles questions puis-je poser ?", "help"),
        ("Comment t'utiliser ?", "help"),
        ("What can I ask you?", "help"),
        ("De quoi parle la coopération technique ?", None),
        ("Quels sujets la DCI couvre-t-elle ?", None),
        ("Quelles sont les sources de financement de la DCI ?", None),
        ("Ses sources sont-elles fiables ?", None),
        # A question, however courteous, is no small talk.
        ("Bonjour, quand la DCI a-t-elle été créée ?", None),
        ("Merci. Et combien de policiers ?", None),
        ("Aide au développement : que fait la DCI ?", None),
        ("Qui est le directeur ?", None),
        ("Hier, la DCI a-t-elle signé ?", None),
        ("Super Bowl : qui a gagné ?", None),
    ],
)
def test_small_talk(message: str, expected: str | None) -> None:
    assert small_talk(message) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Bonjour, quand la DCI a-t-elle été créée ?", "quand la DCI a-t-elle été créée ?"),
        ("Salut, c'est quoi la coopération technique ?", "c'est quoi la coopération technique ?"),
        ("Bonjour, je voudrais savoir à qui est rattachée la DCI", "à qui est rattachée la DCI"),
        ("Pouvez-vous me dire quand la DCI a été créée, s'il vous plaît ?", "quand la DCI a été créée ?"),
        ("Pouvez-vous m'expliquer la coopération technique ?", "la coopération technique ?"),
        ("Est-ce que vous pouvez me dire à qui est rattachée la DCI ?", "à qui est rattachée la DCI ?"),
        ("Tu peux me dire quand la DCI a été créée ?", "quand la DCI a été créée ?"),
        ("J'aimerais savoir combien d'experts compte la DCI", "combien d'experts compte la DCI"),
        ("Dites-moi ce que fait la DCI", "ce que fait la DCI"),
        ("Donne-moi la date de création de la DCI.", "la date de création de la DCI."),
        ("Explique-moi le rôle de la coopération technique.", "le rôle de la coopération technique."),
        ("Indiquez-moi à quelle direction la DCI est rattachée", "à quelle direction la DCI est rattachée"),
        ("Pourriez-vous me donner le rôle de la DCI ?", "le rôle de la DCI ?"),
        # An overview or a list is asked for by these: they stay.
        ("Présente-moi les coopérations de la DCI", "Présente-moi les coopérations de la DCI"),
        ("Parle-moi de la DCI", "Parle-moi de la DCI"),
        ("Cite les coopérations de la DCI", "Cite les coopérations de la DCI"),
        # Only the order with its pronoun: « Donne » alone may be a name or a verb of the question.
        ("Donne-t-elle des formations ?", "Donne-t-elle des formations ?"),
        ("Merci. Et combien de policiers ?", "Et combien de policiers ?"),
        ("Ok, et les partenariats ?", "et les partenariats ?"),
        ("Combien d'experts svp", "Combien d'experts"),
        # Only with a mark after it is a first word taken for an acknowledgement.
        ("Super Bowl : qui a gagné ?", "Super Bowl : qui a gagné ?"),
        # Only whole words: « Histoire » does not open on « Hi », nor « Mercier » on « Merci ».
        ("Histoire de la DCI ?", "Histoire de la DCI ?"),
        ("Mercier a-t-il dirigé la DCI ?", "Mercier a-t-il dirigé la DCI ?"),
        ("Quand la DCI a-t-elle été créée ?", "Quand la DCI a-t-elle été créée ?"),
        ("Bonjour ?", "Bonjour ?"),
    ],
)
def test_without_courtesy(question: str, expected: str) -> None:
    assert without_courtesy(question) == expected


def test_a_small_talk_reply_answers_nothing_and_names_the_subjects() -> None:
    reply = small_talk_reply("Bonsoir", "greeting", ["La DCI", "Les partenariats"])
    assert reply.answer.startswith("Bonsoir !") and "La DCI ; Les partenariats" in reply.answer
    assert not reply.answered and reply.small_talk == "greeting" and reply.sources == []
    assert reply.to_json()["small_talk"] == "greeting"
    assert small_talk_reply("Bonjour", "greeting", []).answer.startswith("Bonjour !")
    assert "couvre" not in small_talk_reply("Bonjour", "greeting", []).answer


@pytest.mark.parametrize(
    ("message", "preamble", "question"),
    [
        (
            "Je suis étudiant et je prépare un exposé : pouvez-vous me dire quand la DCI a été créée ?",
            "Je suis étudiant et je prépare un exposé",
            "quand la DCI a été créée ?",
        ),
        (
            "Ma fille veut devenir policière ; à quelle direction est rattachée la DCI ?",
            "Ma fille veut devenir policière",
            "à quelle direction est rattachée la DCI ?",
        ),
        (
            "Dans le cadre de mon mémoire, quel est le but de la coopération ?",
            "Dans le cadre de mon mémoire",
            "quel est le but de la coopération ?",
        ),
        (
            "Petite question rapide : la DCI est commune à quelles forces ?",
            "Petite question rapide",
            "la DCI est commune à quelles forces ?",
        ),
        ("Je suis locataire : dois-je payer les réparations ?", "Je suis locataire", "dois-je payer les réparations ?"),
        ("En tant qu'élu, je voudrais savoir combien de policiers.", "En tant qu'élu", "combien de policiers."),
        # A situation the question is about, a clause that asks, or no clause about who asks: the message as it is.
        (
            "Mon conjoint m'a trompé, puis-je demander le divorce ?",
            "",
            "Mon conjoint m'a trompé, puis-je demander le divorce ?",
        ),
        (
            "Les branches du voisin dépassent chez moi : que puis-je faire ?",
            "",
            "Les branches du voisin dépassent chez moi : que puis-je faire ?",
        ),
        ("Article 414 : à quel âge est-on majeur ?", "", "Article 414 : à quel âge est-on majeur ?"),
        (
            "Concernant la coopération technique : quel est son but ?",
            "",
            "Concernant la coopération technique : quel est son but ?",
        ),
        (
            "Quand la DCI a-t-elle été créée, je suis curieux ?",
            "",
            "Quand la DCI a-t-elle été créée, je suis curieux ?",
        ),
        ("Pour un article de presse, qui dirige la DCI ?", "", "Pour un article de presse, qui dirige la DCI ?"),
        ("Je suis étudiant, merci.", "", "Je suis étudiant, merci."),
    ],
)
def test_split_preamble(message: str, preamble: str, question: str) -> None:
    assert split_preamble(message) == (preamble, question)


def test_a_preamble_is_the_context_of_its_question_before_the_conversation() -> None:
    query = analyze_question("Je suis journaliste : quand a-t-elle été créée ?", ["Qu'est-ce que la DCI ?"], {})
    assert query.question == "quand a-t-elle été créée ?"
    assert query.context == "Je suis journaliste Qu'est-ce que la DCI ?"
    assert query.evidence_terms == ("cre",)
    alone = analyze_question("Bonjour, je suis locataire : dois-je payer les réparations ?", [], {})
    assert alone.context == "je suis locataire" and "locatair" in alone.terms and "locatair" not in alone.evidence_terms


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("La DCI, c'est quoi exactement ?", "La DCI, c'est quoi ?"),
        ("Que fait concrètement la coopération opérationnelle ?", "Que fait la coopération opérationnelle ?"),
        ("À quoi sert au juste la coopération technique ?", "À quoi sert la coopération technique ?"),
        ("What does the DCI actually do?", "What does the DCI do?"),
        ("Exactement.", "Exactement."),
    ],
)
def test_words_that_only_stress_a_question_are_left_out(question: str, asked: str) -> None:
    assert without_courtesy(question) == asked
