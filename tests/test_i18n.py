"""The catalogs: every user-facing string is translated, and translations keep their slots."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from nlu.i18n import LANGUAGES, language_for, translator
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?\w+>")


def catalog(language: str) -> dict[str, str]:
    with (ROOT / "locale" / language / "LC_MESSAGES" / "duban.po").open("rb") as file:
        return {m.id: m.string for m in read_po(file, locale=language) if m.id and not m.fuzzy}


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Every msgid the code holds now (what `make messages` extracts)."""
    pot = Path(tmp_path_factory.mktemp("pot")) / "duban.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
    command += ["-k", "N_", "-o", str(pot), "bot", "handlers", "scheduler", "models", "nlu"]
    command += ["ledger"]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as file:
        found = {m.id for m in read_po(file) if m.id and isinstance(m.id, str)}
    assert len(found) > 100 and "the file is empty" in found  # the extraction itself worked
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_translated(language: str, source_messages: set[str]) -> None:
    translated = {msgid for msgid, text in catalog(language).items() if text}
    assert source_messages - translated == set(), "run `make messages` and translate"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder_and_tag(language: str) -> None:
    for msgid, text in catalog(language).items():
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(msgid)), msgid
        assert sorted(TAG.findall(text)) == sorted(TAG.findall(msgid)), msgid


def test_the_compiled_chinese_catalog_is_used() -> None:
    assert translator("zh_CN")("the file is empty") == "文件为空"
    assert translator("en")("the file is empty") == "the file is empty"


@pytest.mark.parametrize(
    ("code", "language"), [("zh-hans", "zh_CN"), ("zh", "zh_CN"), ("en-US", "en"), ("fr", "zh_CN")]
)
def test_a_telegram_language_code_maps_to_ours(code: str, language: str) -> None:
    assert language_for(code) == language
