"""Documents laid out as offices write them (tests/data/documents), each read as a clerk would.

Prints each document's score; fails when any document falls below 90% of its tasks right
(found, with the right lead units, leaders and deadline) or a warning it should give is missing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ledger.importer import ParsedPlan, ParsedTask, read_document

DATA = Path(__file__).parent / "data"
# documents/: written with the readers; documents_unseen/: written later by someone who had
# seen neither the readers nor those documents.
FOLDERS = (DATA / "documents", DATA / "documents_unseen")
FLOOR = 0.90
DOCUMENTS = sorted(
    path
    for folder in FOLDERS
    for path in folder.iterdir()
    if path.suffix in (".txt", ".docx", ".xlsx", ".csv")
    and path.with_suffix(".expected.json").exists()
)


def _expected(path: Path) -> dict[str, Any]:
    found = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert isinstance(found, dict)
    return found


def _same_text(a: str, b: str) -> bool:
    return "".join(a.split()).startswith("".join(b.split()))


def _found(plan: ParsedPlan, want: dict[str, Any]) -> ParsedTask | None:
    """The read task ``want`` describes: by number, else by the opening of its content."""
    for task in plan.tasks:
        if want.get("number") and task.number == want["number"]:
            return task
    for task in plan.tasks:
        body = task.content or task.focus or task.measures or ""
        if want.get("content") and _same_text(body.lstrip("0123456789.、 "), want["content"]):
            return task
    return None


def score(plan: ParsedPlan, expected: dict[str, Any]) -> tuple[int, list[str]]:
    """How many expected tasks were read right, and what was wrong with the others."""
    right, wrong = 0, []
    for want in expected["tasks"]:
        task = _found(plan, want)
        label = want.get("number") or want.get("content", "")[:12]
        if task is None:
            wrong.append(f"{label}: not found")
            continue
        got = {
            "lead": task.lead_departments,
            "leaders": task.leaders,
            "due": task.deadline.due.isoformat() if task.deadline.due else None,
        }
        differs = [f"{key} {got[key]!r} != {want[key]!r}" for key in got if got[key] != want[key]]
        if differs:
            wrong.append(f"{label}: " + "; ".join(differs))
        else:
            right += 1
    return right, wrong


@pytest.mark.parametrize("path", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_a_document_is_read_as_a_clerk_would(path: Path) -> None:
    expected = _expected(path)
    plan = read_document(path, today=date.fromisoformat(expected["today"]))
    right, wrong = score(plan, expected)
    total = len(expected["tasks"])
    extra = len(plan.tasks) - total
    print(f"\n{path.name}: {right}/{total} right, {extra:+d} tasks beyond those expected")
    for line in wrong:
        print(f"  {line}")
    if "title" in expected:
        assert plan.title == expected["title"]
    if "year" in expected:
        assert plan.year == expected["year"]
    assert len(plan.warnings) >= expected.get("warnings", 0)
    assert right / total >= FLOOR
    assert extra <= 0 or len(plan.warnings) > 0  # a task read twice would be said, not hidden
