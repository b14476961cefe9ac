"""The CLI's contract, run as a person runs it: a subprocess with the real model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kbchat.config import PROJECT_ROOT
from kbchat.evaluation.datasets import DCI_QUESTIONS

pytestmark = [pytest.mark.model, pytest.mark.chroma, pytest.mark.spacy]


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(PROJECT_ROOT / "kb", root / "kb")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KBCHAT_")}
    env |= {"KBCHAT_KB_DIR": str(root / "kb"), "KBCHAT_INDEX_DIR": str(root / "index"), "HF_HUB_OFFLINE": "1"}
    return env


def test_ask_before_ingest_is_one_sentence(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run("-m", "kbchat", "ask", "--index", str(tmp_path / "none"), "Quand ?", env=cli_env)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "python ingest.py" in result.stderr
    assert "Traceback" not in result.stderr


def test_ingest_then_ask_json(cli_env: dict[str, str]) -> None:
    dry = run("ingest.py", "--dry-run", env=cli_env)
    assert dry.returncode == 0 and "would add: direction-cooperation-internationale.md" in dry.stdout
    first = run("ingest.py", env=cli_env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1].startswith("1 added, 0 updated, 0 removed, 0 unchanged;")
    second = run("ingest.py", env=cli_env)
    assert second.stdout.strip().startswith("0 added, 0 updated, 0 removed, 1 unchanged;")

    result = run("-m", "kbchat", "ask", "--json", "En quelle année la DCI a-t-elle été créée ?", env=cli_env)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {
        "answer",
        "answered",
        "sources",
        "generated_by",
        "note",
        "small_talk",
        "corrected",
        "unanswered",
    }
    assert payload["generated_by"] is None and payload["note"] is None and payload["small_talk"] is None
    assert payload["corrected"] is None and payload["unanswered"] is None
    assert payload["answered"] is True and "2010" in payload["answer"] and "[1]" in payload["answer"]
    for source in payload["sources"]:
        assert set(source) == {"source", "title", "section", "chunk_id", "score", "text", "cited"}
    assert payload["sources"][0]["source"] == "direction-cooperation-internationale.md"
    assert "2010" in payload["sources"][0]["text"]

    refused = json.loads(
        run("-m", "kbchat", "ask", "--json", "Quelle est la capitale de l'Australie ?", env=cli_env).stdout
    )
    assert refused["answered"] is False and refused["sources"] == []
    assert refused["answer"].startswith("Je n'ai pas trouvé cette information dans la base de connaissances.")

    plain = run("-m", "kbchat", "ask", "Combien d'experts en sécurité civile ?", env=cli_env)
    assert "18" in plain.stdout and "[1] La direction de la coopération internationale" in plain.stdout

    misspelt = run("-m", "kbchat", "ask", "--json", "Que vise la coopération tecnique ?", env=cli_env)
    payload = json.loads(misspelt.stdout)
    assert payload["corrected"] == [{"typed": "tecnique", "read": "technique"}]
    assert "soutien technique" in payload["answer"]
    plain = run("-m", "kbchat", "ask", "Que vise la coopération tecnique ?", env=cli_env)
    assert "note: Recherche faite avec « technique » pour « tecnique »." in plain.stderr
    assert "soutien technique" in plain.stdout

    partly = "Combien d'experts en sécurité civile compte la DCI et quel est son budget ?"
    payload = json.loads(run("-m", "kbchat", "ask", "--json", partly, env=cli_env).stdout)
    assert payload["unanswered"] == ["Quel est son budget ?"] and "18 experts" in payload["answer"]
    plain = run("-m", "kbchat", "ask", partly, env=cli_env)
    assert "note: Rien dans les documents ne répond à « Quel est son budget ? »." in plain.stderr
    assert "18 experts" in plain.stdout


def test_eval_json_keys(cli_env: dict[str, str]) -> None:
    run("ingest.py", env=cli_env)
    result = run("-m", "kbchat", "eval", "--questions", str(DCI_QUESTIONS), "--json", env=cli_env)
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert list(metrics) == [
        "questions",
        "hit@1",
        "hit@5",
        "mrr@10",
        "answer_accuracy",
        "answer_precision",
        "first_sentence_accuracy",
        "answer_token_recall",
        "refusal_accuracy",
        "false_refusal_rate",
        "handled_right",
        "p50_ms",
        "p95_ms",
    ]
    table = run("-m", "kbchat", "eval", "--questions", str(DCI_QUESTIONS), env=cli_env)
    assert "answer_accuracy" in table.stdout and "{" not in table.stdout


def test_eval_one_half_of_a_squad_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    articles = [
        ("Lyon", "Lyon est une ville de France sur le Rhône.", ["Sur quel fleuve est Lyon ?", "Où est Lyon ?"]),
        ("Brest", "Brest est un port de Bretagne.", ["Quel port est en Bretagne ?"]),
        ("Metz", "Metz est traversée par la Moselle.", ["Quelle rivière traverse Metz ?"]),
    ]
    squad = {
        "data": [
            {"title": t, "paragraphs": [{"context": c, "qas": [{"question": q, "answers": []} for q in qs]}]}
            for t, c, qs in articles
        ]
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(squad), encoding="utf-8")
    counts = []
    for half in ("0", "1"):
        result = run("-m", "kbchat", "eval", "--squad", str(path), "--half", half, "--json", env=cli_env)
        assert result.returncode == 0, result.stderr
        counts.append(json.loads(result.stdout)["questions"])
    assert counts == [3, 1]  # articles alternate: Lyon and Metz, then Brest
    wrong = run("-m", "kbchat", "eval", "--questions", str(DCI_QUESTIONS), "--half", "0", env=cli_env)
    assert wrong.returncode == 1 and "--squad" in wrong.stderr and "Traceback" not in wrong.stderr


def test_eval_unreadable_question_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run("-m", "kbchat", "eval", "--questions", str(tmp_path / "absent.jsonl"), env=cli_env)
    assert result.returncode == 1 and "could not be read" in result.stderr and "Traceback" not in result.stderr


def test_the_console_script_asks_from_any_folder(cli_env: dict[str, str], tmp_path: Path) -> None:
    run("ingest.py", env=cli_env)
    script = Path(sys.executable).with_name("kbchat")
    assert script.is_file(), "kbchat is not installed: run make setup"
    done = subprocess.run(
        [str(script), "ask", "Quand la DCI a-t-elle été créée ?"],
        cwd=tmp_path,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "2010" in done.stdout and "[1] La direction de la coopération internationale" in done.stdout


def test_ask_and_eval_through_a_model_server(cli_env: dict[str, str], llm_server, tmp_path: Path) -> None:
    from llm_server import Scripted

    run("ingest.py", env=cli_env)
    llm = cli_env | {"KBCHAT_LLM": "openai", "KBCHAT_LLM_BASE_URL": llm_server.url, "KBCHAT_LLM_MODEL": "m"}
    llm_server.script("La DCI a été créée en 2010 [1].", Scripted(status=503))
    asked = json.loads(run("-m", "kbchat", "ask", "--json", "Quand la DCI a-t-elle été créée ?", env=llm).stdout)
    assert asked["answer"] == "La DCI a été créée en 2010 [1]." and asked["generated_by"].startswith("m ")
    assert [s["cited"] for s in asked["sources"]][:2] == [True, False]
    fallback = run("-m", "kbchat", "ask", "Quand la DCI a-t-elle été créée ?", env=llm)
    assert fallback.returncode == 0 and "2010" in fallback.stdout
    assert fallback.stderr.strip().startswith("note: ") and "HTTP 503" in fallback.stderr

    questions = tmp_path / "two.jsonl"
    questions.write_text("".join(line + "\n" for line in DCI_QUESTIONS.read_text().splitlines()[:2]), "utf-8")
    llm_server.script("La DCI a été créée en 2010 [1].", "Elle existe depuis 2010 [1].")
    scored = run("-m", "kbchat", "eval", "--llm", "--questions", str(questions), "--json", env=llm)
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["answer_accuracy"] == 1.0 and len(llm_server.requests) == 4
    extractive = run("-m", "kbchat", "eval", "--questions", str(questions), "--json", env=llm)
    assert extractive.returncode == 0 and len(llm_server.requests) == 4

    missing = run("-m", "kbchat", "eval", "--llm", "--questions", str(questions), env=cli_env)
    assert missing.returncode == 1 and "KBCHAT_LLM" in missing.stderr and "Traceback" not in missing.stderr
