"""A message read against the ledger: nlu.understand's Reading, with the task it means.

Task numbers are looked up among the tasks the sender may see, in the plans their questions
are about (models.plans), or in the plans of the year the message names (去年的第3项); words
(大篷车) are matched first against the phrases the office taught the bot (aliases), then against
those tasks' text (nlu.match). When words fit several tasks about equally, up to three are
offered; nothing is guessed. The CLI's ``understand`` and the chat handlers share this one use-case.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from models.access import (
    known_names,
    task_by_id,
    task_by_number,
    visible_among,
)
from models.plans import plans_of_year
from models.queries import TaskView, task_views
from models.reports import alias_tasks
from models.revision import PerRevision
from models.search import candidates, docs_holding, vocabulary
from models.tables import Person
from nlu.edits import Edit
from nlu.match import Ledger, Query, pairs, pick, rank
from nlu.quantity import Quantity
from nlu.understand import Reading, extended_due, relative_extension, understand

# Readings that are about one task; a list question is only promoted to one when its words
# clearly name a single task and nothing asks for a list (有哪些, 关于 …).
_ONE_TASK = frozenset({"task", "question", "progress", "done", "extend", "edit"})
MAX_RANGE = 5  # 17-18 names each task when no row is numbered so; a longer range, none
UNIT_CHECKED = 5  # best matches checked for a target in the report's unit
UNIT_BONUS = 0.25  # what such a target adds to a match's score
_SINGULAR = re.compile(r"那个|那项|那条|那件|这个|这项|这条|那一项")
_LIST_CUES = ("哪些", "有什么", "关于", "有关", "相关", "所有", "全部", "搜", "查找", "列出")


@dataclass(frozen=True)
class Understood:
    """What a message asks, and of which task, as the sender may see it."""

    reading: Reading
    intent: str
    task: TaskView | None = None
    candidates: list[TaskView] = field(default_factory=list)
    missing: tuple[str, ...] = ()  # numbers named that match no task the sender may see
    due: date | None = None
    # The task the words name when it is not one the sender may see: said, never acted on.
    elsewhere: TaskView | None = None
    # A year the message names a task of (去年的第3项) when the ledger has no plan of it.
    no_plan_of: int | None = None

    def as_json(self) -> dict[str, Any]:
        quantity = self.reading.quantity
        out: dict[str, Any] = {
            # A department's or a leader's list is a search by whom, to the outside.
            "intent": "search" if self.intent in ("department", "leader") else self.intent,
            "task": _number(self.task),
            "candidates": [_number(view) for view in self.candidates],
            "quantity": _quantity(quantity),
            "due": self.due.isoformat() if self.due else None,
        }
        if self.intent == "edit":
            out["edits"] = [_edit_json(edit) for edit in self.reading.edits]
        new_task = self.reading.new_task
        if self.intent == "add" and new_task is not None:
            out["new_task"] = {
                "content": new_task.content,
                "leaders": list(new_task.leaders),
                "lead": list(new_task.lead),
                "responsible": list(new_task.responsible),
                "due": new_task.due.isoformat() if new_task.due else None,
                "due_text": new_task.due_text,
                "measures": new_task.measures,
            }
        return out


def _quantity(quantity: Quantity | None) -> dict[str, Any] | None:
    return {"value": quantity.value, "unit": quantity.unit} if quantity else None


def _edit_json(edit: Edit) -> dict[str, Any]:
    return {
        "field": edit.field,
        "mode": edit.mode,
        "names": list(edit.names),
        "text": edit.text,
        "due": edit.due.isoformat() if edit.due else None,
        "due_text": edit.due_text,  # 持续推进 has words and no date
        "quantity": _quantity(edit.quantity),
    }


def _number(view: TaskView | None) -> int | str | None:
    """A task's number as JSON: 15, or "8-10" for a merged row, or "#7" (its place in the
    list, as the chat names it) when the document left it unnumbered."""
    if view is None:
        return None
    number = view.task.number
    if number is None:
        return f"#{view.task.seq + 1}"
    return int(number) if number.isdigit() else number


def understand_message(
    session: Session,
    *,
    person: Person,
    text: str,
    today: date,
    plans: Sequence[int] | None = None,
) -> Understood:
    """Read ``text`` from ``person`` on ``today`` against the tasks they may see in ``plans``
    (every plan when None), or in the plans of the year the message names.

    The commonest messages (我的待办, 第12项, 谢谢) need neither the ledger's names nor its
    words: they are read without, and the ledger is consulted only for the others.
    """
    reading = understand(text, today=today)
    if not _nameless(reading):
        leaders, departments = known_names(session)
        reading = understand(text, today=today, leaders=leaders, departments=departments)
    if reading.plan_year is not None:
        plans = plans_of_year(session, year=reading.plan_year)
        if not plans:
            return Understood(reading, reading.kind, no_plan_of=reading.plan_year)
    intent: str = reading.kind
    task: TaskView | None = None
    candidates: list[TaskView] = []
    missing: list[str] = []
    elsewhere: TaskView | None = None
    if reading.numbers:
        found: list[TaskView] = []
        for number in _each_number(session, person, reading.numbers, plans):
            view = task_by_number(session, person=person, number=number, plans=plans)
            if view is None:
                missing.append(number)
            elif all(view.task.id != seen.task.id for seen in found):
                found.append(view)
        if len(found) == 1 and not missing:
            task = found[0]
        else:
            candidates = found
    elif reading.topic and (reading.kind in _ONE_TASK or _names_a_task(reading)):
        unit = reading.quantity.unit if reading.quantity else ""
        task, candidates, elsewhere = _by_words(
            session, person, reading.topic, unit=unit, plans=plans
        )
        if reading.kind not in _ONE_TASK:
            if task is not None or (candidates and _SINGULAR.search(reading.text)):
                intent = "task"  # 大篷车, 讲堂那个: one task by its nickname
            else:
                candidates = []
    if intent == "question" and reading.aspect == "content":
        intent = "task"  # 具体内容是啥: the task in full is the answer
    due = reading.due
    if reading.kind == "extend" and due is None and task is not None:
        days = relative_extension(reading.text)
        if days is not None:
            due = extended_due(task.task.due or today, days) or today + timedelta(days=days)
    return Understood(reading, intent, task, candidates, tuple(missing), due, elsewhere)


_LEDGERS = PerRevision[Ledger](size=8)  # databases: an office has one, tests have many


def _ledger(session: Session) -> Ledger:
    """What words are weighed against in this ledger as it is now (read once per revision)."""

    def build() -> Ledger:
        tasks, docs = vocabulary(session)
        weights = [math.log((tasks + 1) / (count + 0.5)) for count in docs]
        return Ledger(tasks, sum(weights) / len(weights) if weights else 0.0)

    return _LEDGERS.get(session, (), build)


def _ranked(session: Session, words: str, plans: Sequence[int] | None) -> list[tuple[int, float]]:
    """The tasks of ``plans`` (every plan when None) that ``words`` may mean, best first: the
    database counts and finds (models.search), nlu.match weighs and scores."""
    query = Query.of(words, _ledger(session), docs_holding(session, sorted(pairs(words))))
    if query is None:
        return []
    found = candidates(session, query.needed(), weighed=list(query.weights), plans=plans)
    return rank(query, found)


def _each_number(
    session: Session, person: Person, numbers: tuple[str, ...], plans: Sequence[int] | None
) -> list[str]:
    """The numbers to look up: a range such as 17-18 is one task when the ledger has one so
    numbered (a merged row), else each of its numbers (two tasks named at once)."""
    found: list[str] = []
    for number in numbers:
        low, _, high = number.partition("-")
        spread = int(high) - int(low) if high.isdigit() and low.isdigit() else -1
        if (
            0 < spread <= MAX_RANGE
            and task_by_number(session, person=person, number=number, plans=plans) is None
        ):
            found.extend(str(n) for n in range(int(low), int(high) + 1))
        else:
            found.append(number)
    return found


def _nameless(reading: Reading) -> bool:
    """True when names could not change this reading: a plain list, a task by number, help,
    small talk. A name may be what made the rest unreadable (组宣部逾期的), so not those."""
    if reading.unread or (reading.topic and not reading.numbers):
        return False
    if reading.kind in ("edit", "add"):
        return False  # names are what a change is made of: read them with the ledger's
    if reading.kind in ("todo", "help", "snooze"):
        return True
    if reading.kind == "other":
        return reading.social is not None
    return bool(reading.numbers) and reading.kind in _ONE_TASK


def _names_a_task(reading: Reading) -> bool:
    """A search or an unread message that may be a task's nickname (大篷车, 讲堂那个)."""
    if reading.kind not in ("search", "other") or reading.social is not None:
        return False
    return not any(cue in reading.text for cue in _LIST_CUES)


def _by_words(
    session: Session,
    person: Person,
    words: str,
    *,
    unit: str = "",
    plans: Sequence[int] | None = None,
) -> tuple[TaskView | None, list[TaskView], TaskView | None]:
    """The task ``words`` name among those ``person`` may see in ``plans``, else the
    candidates; and, when they see none, the one task the words clearly name elsewhere in
    those plans. Tasks of other plans are never offered.

    A report with an amount (讲堂办了两期) favours the tasks with a target counted in that
    unit (举办科协讲堂4期) over those that only mention the words.
    """
    taught = [
        view
        for view in (
            task_by_id(session, person=person, task_id=task_id)
            for task_id in alias_tasks(session, phrase=words)
        )
        if view is not None and (plans is None or view.task.plan_id in plans)
    ]
    if len(taught) == 1:
        return taught[0], [], None
    everywhere = _ranked(session, words, plans)
    seen = visible_among(session, person=person, ids=[task_id for task_id, _ in everywhere])
    ranked = [(task_id, score) for task_id, score in everywhere if task_id in seen]
    if not ranked:
        best_anywhere, _offered = pick(everywhere)
        views = task_views(session, ids=[best_anywhere] if best_anywhere is not None else [])
        return None, [], views.get(best_anywhere) if best_anywhere is not None else None
    if unit and len(ranked) > 1:
        views = task_views(session, ids=[task_id for task_id, _ in ranked[:UNIT_CHECKED]])
        ranked = sorted(
            (
                (task_id, score + UNIT_BONUS)
                if task_id in views and any(t.unit == unit for t in views[task_id].targets)
                else (task_id, score)
                for task_id, score in ranked
            ),
            key=lambda item: -item[1],
        )
    best, offered = pick(ranked)
    if best is not None:
        return task_by_id(session, person=person, task_id=best), [], None
    offered_views = [task_by_id(session, person=person, task_id=task_id) for task_id in offered]
    return None, [view for view in offered_views if view is not None], None
