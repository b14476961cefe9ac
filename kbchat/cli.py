"""Command line: ingest, ask and eval; library errors become one sentence and a non-zero exit."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kbchat.config import Settings
from kbchat.errors import ConfigError, KbchatError


class Terminated(BaseException):
    """SIGTERM arrived: unwind like an interrupt, so that an ingest discards its unpublished snapshot."""


def _terminate(signum: int, frame: object) -> None:
    """The SIGTERM handler."""
    raise Terminated


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, then the command line."""
    return Settings.from_env(kb_dir=getattr(args, "kb", None), index_dir=getattr(args, "index", None))


def cmd_ingest(args: argparse.Namespace) -> int:
    """Sync the index with the knowledge-base folder."""
    from kbchat.index.ingest import sync

    report = sync(_settings(args), dry_run=args.dry_run, rebuild=args.rebuild, show_progress=sys.stderr.isatty())
    if args.dry_run:
        for label, sources in (
            ("add", report.plan.added),
            ("update", report.plan.changed),
            ("remove", report.plan.removed),
        ):
            for source in sources:
                print(f"would {label}: {source}")
    for message in report.errors.values():
        print(f"error: {message}", file=sys.stderr)
    print(report.summary())
    return 1 if report.errors else 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question from the index."""
    from kbchat.generation.answerer import answerer_for
    from kbchat.knowledge_base import open_knowledge_base

    settings = _settings(args)
    answer = answerer_for(open_knowledge_base(settings), settings).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
        return 0
    for note in (answer.spelling_note, answer.unanswered_note, answer.note):
        if note:
            print(f"note: {note}", file=sys.stderr)
    print(answer.answer)
    if answer.cited:
        print()
        for number, source in enumerate(answer.cited, start=1):
            print(f"{source.label(number)} ({source.source})")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score a question set or a SQuAD file."""
    from kbchat.evaluation.datasets import read_questions
    from kbchat.evaluation.metrics import by_category, format_table, summarize
    from kbchat.evaluation.runner import evaluate_squad, run_items
    from kbchat.generation.answerer import answerer_for
    from kbchat.knowledge_base import open_knowledge_base

    settings = _settings(args)
    if args.llm and settings.llm_config is None:
        raise ConfigError("eval --llm demande un modèle configuré : KBCHAT_LLM, KBCHAT_LLM_MODEL (voir le README).")
    if not args.llm:
        settings = settings.with_(llm="")
    if args.half is not None and not args.squad:
        raise ConfigError("eval --half ne vaut que pour --squad : les moitiés sont celles des articles de PIAF.")
    if args.squad:
        results = evaluate_squad(Path(args.squad), settings, args.limit, args.half)
    else:
        items = read_questions(Path(args.questions))
        kb = open_knowledge_base(settings)
        results = run_items(answerer_for(kb, settings), items[: args.limit] if args.limit else items)
    metrics, classes = summarize(results), by_category(results)
    if args.json:
        print(json.dumps(metrics | ({"classes": classes} if classes else {})))
    else:
        print(format_table(metrics))
        for name, found in classes.items():
            print(f"\nclass {name}\n{format_table(found)}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the full evaluation report."""
    from kbchat.evaluation.report import write_report

    path = write_report(Path(args.squad), Path(args.out), _settings(args), args.limit)
    print(f"Report written to {path}")
    return 0


def cmd_train_reranker(args: argparse.Namespace) -> int:
    """Fit the reranker on one half of PIAF's articles, print both halves, and with --write ship the model."""
    from kbchat.ask.reranker import ranker_path
    from kbchat.evaluation.training import train

    settings = _settings(args)
    out = ranker_path(settings.embedding_model) if args.write else None
    for line in train(Path(args.squad), settings, args.half, args.l2, args.drop, out):
        print(line, flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m kbchat`."""
    parser = argparse.ArgumentParser(prog="kbchat", description="Knowledge-base chatbot: grounded French answers.")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="sync the index with the documents")
    ingest.add_argument("--kb", help="knowledge-base folder (KBCHAT_KB_DIR)")
    ingest.add_argument("--index", help="index folder (KBCHAT_INDEX_DIR)")
    ingest.add_argument("--dry-run", action="store_true", help="print what would change and change nothing")
    ingest.add_argument("--rebuild", action="store_true", help="rebuild the index from scratch")
    ingest.set_defaults(run=cmd_ingest)

    ask = commands.add_parser("ask", help="answer a question")
    ask.add_argument("--index", help="index folder (KBCHAT_INDEX_DIR)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("question")
    ask.set_defaults(run=cmd_ask)

    evaluate = commands.add_parser("eval", help="score retrieval, answers and refusals")
    evaluate.add_argument("--index", help="index folder (KBCHAT_INDEX_DIR), for --questions")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--questions", help="JSONL question set")
    source.add_argument("--squad", help="SQuAD-format JSON file, indexed in a temporary folder")
    evaluate.add_argument("--limit", type=int, help="only the first N questions")
    evaluate.add_argument("--half", type=int, choices=(0, 1), help="with --squad, only one half of the articles")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--llm", action="store_true", help="answer through the model that KBCHAT_LLM configures")
    evaluate.set_defaults(run=cmd_eval)

    report = commands.add_parser("report", help="write the evaluation report (metrics, ablations, plot, failures)")
    report.add_argument("--squad", required=True, help="SQuAD-format JSON file (PIAF dev)")
    report.add_argument("--out", default="docs", help="folder for evaluation.md and hit_at_k.png")
    report.add_argument("--limit", type=int, help="only the first N questions")
    report.set_defaults(run=cmd_report)

    training = commands.add_parser("train-reranker", help="fit the reranker on one half of a SQuAD file's articles")
    training.add_argument("--squad", required=True, help="SQuAD-format JSON file (PIAF dev)")
    training.add_argument("--half", type=int, default=0, choices=(0, 1), help="the half to fit on")
    training.add_argument("--l2", type=float, default=0.003, help="L2 penalty of the weights")
    training.add_argument("--drop", nargs="+", action="append", default=[], metavar="FEATURE", help="also fit without")
    training.add_argument("--write", action="store_true", help="ship the model fitted on --half")
    training.set_defaults(run=cmd_train_reranker)
    return parser


def run(argv: Sequence[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    """Run a command; a KbchatError becomes one line on stderr and exit status 1."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = (parser or build_parser()).parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.run
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return command(args)
    except KbchatError as exc:
        print(f"kbchat: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kbchat: interrupted.", file=sys.stderr)
        return 130
    except Terminated:
        print("kbchat: stopped (SIGTERM).", file=sys.stderr)
        return 143


def main() -> None:
    """Entry point of `python -m kbchat`."""
    sys.exit(run())


def ingest_main() -> None:
    """Entry point of `python ingest.py`: the ingest command's options."""
    sys.exit(run(["ingest", *sys.argv[1:]]))
