"""`python -m bot understand`: what a message is taken to mean, one at a time or in a batch."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, datetime

import pytest

from ledger.demo import add_demo_people
from models.db import ledger_engine, session_scope
from tests.conftest import SEED_004, run

NOW = datetime(2025, 5, 26, 4, 0, tzinfo=UTC)


@pytest.fixture
def demo(ledger: str) -> str:
    """Seed 004 imported, with the demo's clerk and staff."""
    assert run("import", str(SEED_004), "--today", "2025-05-26")[0] == 0
    with ledger_engine(ledger) as engine, session_scope(engine) as session:
        add_demo_people(session, now=NOW)
    return ledger


def understood(*argv: str) -> dict[str, object]:
    code, out = run("understand", *argv, "--today", "2025-05-26", "--json")
    assert code == 0
    result = json.loads(out)
    assert isinstance(result, dict)
    return result


def test_a_progress_report_names_its_task_and_amount(demo: str) -> None:
    assert understood("科普大篷车已经跑了二十五场", "--as", "刘洋") == {
        "intent": "progress",
        "task": 15,
        "candidates": [],
        "quantity": {"value": 25.0, "unit": "场"},
        "due": None,
    }


def test_a_merged_row_is_found_by_any_of_its_numbers(demo: str) -> None:
    result = understood("第9项办完了", "--as", "赵敏")
    assert result["intent"] == "done" and result["task"] == "8-10"


def test_a_range_with_no_such_row_names_each_task(demo: str) -> None:
    result = understood("17-18项完成", "--as", "王芳")
    assert result["task"] is None and result["candidates"] == [17, 18]


def test_an_extension_echoes_the_date_it_asks_for(demo: str) -> None:
    result = understood("第20项推迟到明年3月", "--as", "刘洋")
    assert result["intent"] == "extend" and result["task"] == 20
    assert result["due"] == "2026-03-31"


def test_two_numbers_are_candidates_not_a_guess(demo: str) -> None:
    result = understood("第十二项和第十三项", "--as", "周婷")
    assert result["intent"] == "task" and result["task"] is None
    assert result["candidates"] == [12, 13]


def test_a_task_the_sender_may_not_see_is_not_named(demo: str) -> None:
    result = understood("第15项进展如何", "--as", "张伟")  # 学会部 staff; 15 is 市科技馆's
    assert result["intent"] == "question" and result["task"] is None


def test_a_batch_answers_each_line_in_order_and_goes_on_after_a_bad_one(
    demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        {"text": "我的待办", "as": "李麟", "today": "2025-05-26"},
        {"text": "第5项办完了", "as": "无名氏", "today": "2025-05-26"},
        "not json",
        {"text": "谁负责第33项", "as": "周婷", "today": "2025-05-26"},
    ]
    stdin = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin + "\n"))
    code, out = run("understand", "--batch")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 4
    assert results[0]["intent"] == "todo"
    assert "error" in results[1] and "error" in results[2]
    assert results[3] == {
        "intent": "question",
        "task": 33,
        "candidates": [],
        "quantity": None,
        "due": None,
    }


def test_without_a_text_it_says_how_to_use_it(demo: str) -> None:
    code, out = run("understand", "--as", "周婷")
    assert code == 2 and out == ""
