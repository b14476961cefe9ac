"""Remove one protection at a time, in a copy of the project, and run the test that must then fail.

python bench/protections.py [NAME_PART …]
Prints CAUGHT (the test failed without the protection) or MISSED for each. The copy lives in a temporary folder.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent
DST = Path(tempfile.mkdtemp(prefix="kbchat-protections-")) / "project"
MUTATIONS = [
    (
        "/chat served",
        "chat_app.py",
        '    st.Page(chat_at_its_own_address, title="Assistant", url_path="chat", visibility="hidden"),\n',
        "",
        "tests/test_browser.py::test_question_answer_and_source_in_a_real_browser",
    ),
    (
        "chat page builds no index",
        "kbchat/ui/chat_page.py",
        "def _no_index() -> None:",
        "from kbchat.index.ingest import sync  # noqa\n\n\ndef _no_index() -> None:",
        "tests/test_chat_app.py::test_the_chat_page_reaches_no_action_that_changes_the_base",
    ),
    (
        "caption escaped",
        "kbchat/ui/chat_page.py",
        "st.caption(f\"Fichier : {escape_text(source['source'])}\")",
        "st.caption(f\"Fichier : {source['source']}\")",
        "tests/test_chat_app.py::test_nothing_a_document_holds_renders_as_markup",
    ),
    (
        "export escaped",
        "kbchat/ui/rendering.py",
        'f"**Réponse :** {markdown_text(turn.answer)}"',
        'f"**Réponse :** {turn.answer}"',
        "tests/test_rendering.py",
    ),
    (
        "example buttons escaped",
        "kbchat/ui/chat_page.py",
        "st.button(escape_text(question)",
        "st.button((question)",
        "tests/test_browser.py::test_hostile_document_stays_text_and_nothing_leaves_for_outside",
    ),
    (
        "failures kept in manifest",
        "kbchat/index/ingest.py",
        "            failures=dict(sorted(errors.items())),\n",
        "",
        "tests/test_chat_app.py::test_a_file_ingest_cannot_read_shows_its_reason_in_the_table",
    ),
    (
        "console redraws after reindex",
        "kbchat/ui/console_page.py",
        "        st.rerun()\n\n\ndef _last_reindex",
        "        _last_reindex()\n\n\ndef _last_reindex",
        "tests/test_chat_app.py::test_upload_reindex_then_new_document_answers",
    ),
    (
        "encrypted PDF refused",
        "kbchat/corpus/loading.py",
        "    if reader.is_encrypted and not _opens_without_password(reader):",
        "    if False:",
        "tests/test_bad_inputs.py::test_every_bad_file_gets_one_line_and_the_others_are_indexed",
    ),
    (
        "leftovers cleaned by every run",
        "kbchat/index/ingest.py",
        "            clean_leftovers(settings.index_dir)\n",
        "            pass\n",
        "tests/test_crash_safety.py::test_a_no_op_run_cleans_leftovers",
    ),
    (
        "SIGTERM handled",
        "kbchat/cli.py",
        "    signal.signal(signal.SIGTERM, _terminate)\n",
        "",
        "tests/test_crash_safety.py::test_sigterm_stops_cleanly",
    ),
    (
        "serving from a private copy",
        "kbchat/index/locations.py",
        'client = embedded_client(private / "chroma")',
        'client = embedded_client(folder / "chroma")',
        "tests/test_serving.py::test_ask_works_on_a_read_only_index_and_writes_nothing",
    ),
    (
        "readers follow publishes",
        "kbchat/knowledge_base.py",
        "        if self.follows:\n            self.follow()\n",
        "",
        "tests/test_serving.py::test_a_long_lived_reader_follows_publishes",
    ),
    (
        "escaped expander labels",
        "kbchat/ui/chat_page.py",
        "st.expander(escape_text(_source(source).label(number)))",
        "st.expander(_source(source).label(number))",
        "tests/test_chat_app.py::test_nothing_a_document_holds_renders_as_markup",
    ),
    (
        "word joiner against autolinks",
        "kbchat/ui/rendering.py",
        "    breaks = {m.start() for m in _LINKABLE.finditer(text)}\n",
        "    breaks = set()\n",
        "tests/test_properties.py::test_rendering_never_yields_markup",
    ),
    (
        "symlinks out of kb/ refused",
        "kbchat/corpus/inspection.py",
        "if path.is_symlink() and not",
        "if False and not",
        "tests/test_bad_inputs.py::test_symlink_out_of_the_base_is_refused_and_inside_is_read",
    ),
    (
        "size limit before reading",
        "kbchat/corpus/inspection.py",
        "        if size > max_bytes:",
        "        if False:",
        "tests/test_bad_inputs.py::test_size_limit_is_checked_before_reading",
    ),
    (
        "binary content refused",
        "kbchat/corpus/loading.py",
        "    problem = content_problem(data[:HEAD_BYTES], suffix)\n",
        "    problem = None\n",
        "tests/test_bad_inputs.py",
    ),
    (
        "iterative folder walk",
        "kbchat/corpus/loading.py",
        "        folder = stack.pop()\n",
        "        folder = stack.pop()\n"
        "        found += [p for p in Path(folder).rglob('*.md')] if folder == root else []\n",
        "tests/test_bad_inputs.py::test_a_thousand_folders_deep_is_walked",
    ),
    (
        "lockout across sessions",
        "kbchat/ui/console_page.py",
        "    wait = guard.wait(client, time.time())\n",
        "    wait = 0\n",
        "tests/test_chat_app.py::test_console_lockout_holds_across_sessions_and_clears_the_field",
    ),
    (
        "uploads checked as ingest",
        "kbchat/ui/kb_files.py",
        "        parse_document(target.name, data)\n",
        "        pass\n",
        "tests/test_console_logic.py::test_uploads_get_the_checks_of_ingest",
    ),
    (
        "feedback retries while locked",
        "kbchat/ui/storage.py",
        "            if not locked or attempt == ATTEMPTS - 1:",
        "            if True:",
        "tests/test_console_logic.py::test_a_write_waits_out_a_lock_held_longer_than_the_busy_timeout",
    ),
    (
        "the model never asked to refuse",
        "kbchat/generation/answerer.py",
        "        if not extractive.answered:\n            return Reply.of(extractive)\n",
        "",
        "tests/test_generation_answers.py::test_the_model_is_never_asked_what_the_documents_cannot_support",
    ),
    (
        "citations checked",
        "kbchat/generation/answerer.py",
        "    if checked.problem:\n",
        "    if False:\n",
        "tests/test_generation_answers.py",
    ),
]
only = sys.argv[1:]
caught = 0
for name, file, old, new, test in MUTATIONS:
    if only and not any(o in name for o in only):
        continue
    if DST.exists():
        shutil.rmtree(DST)
    shutil.copytree(SRC, DST, ignore=shutil.ignore_patterns(".venv", "models", "embeddings", ".git", "__pycache__"))
    if (SRC / "models").exists():
        (DST / "models").symlink_to(SRC / "models")
    path = DST / file
    text = path.read_text()
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1))
    done = subprocess.run(
        [str(SRC / ".venv/bin/python"), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", test],
        cwd=DST,
        capture_output=True,
        text=True,
    )
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]
    caught += bool(done.returncode)
    print(f"{'CAUGHT' if done.returncode else 'MISSED'} | {name} | {test} | {last}", flush=True)
shutil.rmtree(DST.parent, ignore_errors=True)
print(f"{caught} caught")
