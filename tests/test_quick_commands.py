"""Quick commands load only what they use: `python -m bot …` as a process, its imports listed.

What is imported is the behaviour pinned here; how long it takes is bench/commands.py's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.arguments import build_parser
from bot.cli import _command
from models.db import current_revision, head_revision, make_engine, upgrade
from nlu.i18n import translator
from tests.conftest import ROOT, SEED_004, run

# What a quick command has no use for: the bot, the schema migrations, the document and
# spreadsheet writers, the charts, and the NLU libraries the grammar no longer needs.
NEVER_FOR_PARSE_DATE = {
    "alembic",
    "sqlalchemy",
    "sqlmodel",
    "telegram",
    "apscheduler",
    "openpyxl",
    "xlsxwriter",
    "docx",
    "matplotlib",
    "jieba",
    "dateparser",
    "cn2an",
}


def imports_of(*argv: str) -> tuple[set[str], str]:
    """The top-level packages `python -m bot ARGV` imports, and what it printed."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", *argv],
        cwd=ROOT,
        env={**os.environ, "DEFAULT_LANGUAGE": "en"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, result.stdout


def test_parse_date_imports_neither_the_database_layer_nor_the_bot(tmp_path: Path) -> None:
    nowhere = f"sqlite:///{tmp_path / 'none.sqlite'}"
    names, out = imports_of("--db", nowhere, "parse-date", "6月底前", "--today", "2025-03-01")
    assert out.split()[0] == "due=2025-06-30"
    assert "nlu" in names  # the listing is read right
    assert not names & NEVER_FOR_PARSE_DATE, sorted(names & NEVER_FOR_PARSE_DATE)
    assert not (tmp_path / "none.sqlite").exists()


def test_tasks_on_a_ledger_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    assert run("--db", url, "import", str(SEED_004), "--today", "2025-03-03")[0] == 0
    names, out = imports_of("--db", url, "tasks", "--leader", "郑昌盛")
    assert "tasks" in out.splitlines()[-1]
    assert "sqlalchemy" in names and "alembic" not in names
    assert not names & {"telegram", "openpyxl", "xlsxwriter", "docx", "matplotlib"}


def test_a_command_on_an_empty_database_still_migrates_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    names, out = imports_of("--db", url, "tasks")
    assert out == "no tasks match\n"
    assert "alembic" in names
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_a_ledger_behind_the_newest_schema_is_brought_to_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    try:
        upgrade(engine, "0002")
        names, _ = imports_of("--db", url, "tasks")
        assert "alembic" in names
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def commands() -> list[str]:
    """Every sub-command of `python -m bot`, as its parser knows them."""
    parser = build_parser(translator("en"))
    [found] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(found.choices)


@pytest.mark.parametrize("command", commands())
def test_every_command_explains_itself(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    with pytest.raises(SystemExit) as exit:
        run(command, "--help")
    assert exit.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m bot {command}")


@pytest.mark.parametrize("command", sorted(set(commands()) - {"console"}))
def test_every_command_has_code_to_run_it(command: str) -> None:
    assert callable(_command(command))  # the console is run by main itself, as a demo or not
