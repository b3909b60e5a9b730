"""The labelled deadline phrases (tests/data/deadline_phrases.jsonl) read by the grammar.

Each line is a phrase as an office document's 完成时限 cell or a chat message writes it, with
the day it is read, the document's year (null in chat) and what a careful 督办 clerk takes it
to mean: the due date and the kind (``nlu.deadline``'s kinds; the meanings are its module
docstring's).  Prints the figures and fails below 95% right, or when more than 1% of the phrases
get a wrong date: a wrong date is worse than "unknown", which a clerk sees and fixes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, get_args

from nlu.deadline import Deadline, Kind, parse_deadline

PHRASES = Path(__file__).parent / "data" / "deadline_phrases.jsonl"
RIGHT_FLOOR = 0.95
WRONG_DATE_CEILING = 0.01


def labelled() -> list[dict[str, Any]]:
    text = PHRASES.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


def read(item: dict[str, Any]) -> Deadline:
    return parse_deadline(item["text"], today=date.fromisoformat(item["today"]), year=item["year"])


@dataclass(frozen=True)
class Score:
    total: int
    due: int  # the due date (or its absence) is right
    kind: int
    right: int  # both
    wrong_dates: list[str]  # a date where the label has another date, or none

    @property
    def wrong_date_share(self) -> float:
        return len(self.wrong_dates) / self.total


def score(items: list[dict[str, Any]], found: list[Deadline]) -> Score:
    due = kind = right = 0
    wrong: list[str] = []
    for item, got in zip(items, found, strict=True):
        got_due = got.due.isoformat() if got.due else None
        due += got_due == item["due"]
        kind += got.kind == item["kind"]
        right += (got_due, got.kind) == (item["due"], item["kind"])
        if got_due is not None and got_due != item["due"]:
            wrong.append(f"{item['text']} ({item['today']}, {item['year']}): {got_due}")
    return Score(len(items), due, kind, right, wrong)


def test_the_labelled_phrases_are_well_formed() -> None:
    items = labelled()
    assert len(items) >= 250
    kinds = set(get_args(Kind))
    seen = set()
    for item in items:
        assert set(item) == {"text", "today", "year", "due", "kind"}, item
        assert item["kind"] in kinds, item
        date.fromisoformat(item["today"])
        assert item["year"] is None or 1900 <= item["year"] <= 2099, item
        if item["due"] is not None:
            date.fromisoformat(item["due"])
        if item["kind"] == "unknown":
            assert item["due"] is None, item
        elif item["kind"] != "continuous":  # continuous work may have no date
            assert item["due"] is not None, item
        key = (item["text"], item["today"], item["year"])
        assert key not in seen, item
        seen.add(key)


def test_the_labelled_phrases_read_right_and_never_to_a_wrong_date() -> None:
    items = labelled()
    found = [read(item) for item in items]
    figures = score(items, found)
    misses = [
        f"{item['text']} ({item['today']}, {item['year']}): want {item['due']} {item['kind']}, "
        f"got {got.due} {got.kind}"
        for item, got in zip(items, found, strict=True)
        if ((got.due.isoformat() if got.due else None), got.kind) != (item["due"], item["kind"])
    ]
    print(
        f"\n{PHRASES.name}, {figures.total} phrases: right {figures.right / figures.total:.1%} "
        f"(due {figures.due / figures.total:.1%}, kind {figures.kind / figures.total:.1%}); "
        f"wrong dates {len(figures.wrong_dates)} ({figures.wrong_date_share:.1%})"
    )
    for miss in misses:
        print("  miss:", miss)
    assert figures.right / figures.total >= RIGHT_FLOOR, misses
    assert figures.wrong_date_share <= WRONG_DATE_CEILING, figures.wrong_dates


def test_the_scoring_tells_a_wrong_date_from_unknown() -> None:
    items = [
        {"text": "6月底前", "today": "2025-03-12", "year": 2025, "due": "2025-06-30", "kind": "by"},
        {"text": "尽快", "today": "2025-03-12", "year": 2025, "due": None, "kind": "unknown"},
    ]
    right = [
        Deadline("6月底前", date(2025, 6, 30), "by"),
        Deadline("尽快", None, "unknown"),
    ]
    unsure = [Deadline("6月底前", None, "unknown"), Deadline("尽快", None, "unknown")]
    wrong = [Deadline("6月底前", date(2025, 6, 1), "by"), Deadline("尽快", date(2025, 3, 13), "by")]
    assert score(items, right) == Score(2, 2, 2, 2, [])
    assert (score(items, unsure).right, score(items, unsure).wrong_dates) == (1, [])
    assert score(items, wrong).right == 0
    assert len(score(items, wrong).wrong_dates) == 2
