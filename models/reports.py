"""Reports by message, completion review (办结审核) and extensions (延期申请): the rules.

Who may report on a task: an admin (督办员) any task; a leader the tasks they lead, at any
position; staff the tasks their department leads (牵头) or shares (责任). Nobody reports on a
closed task (done, cancelled).

Who decides a completion or an extension: the task's lead leader (TaskLeader position 0) or an
admin; the admins are the ones asked when a task has no leader. Someone who may decide does
not wait for themselves: their completion is accepted and their extension granted at once.

A shared task keeps each party's own part (各方): a leader speaks for their TaskLeader row, staff
for their department's TaskDepartment row(s), an admin for the task's lead (``speaks_for``).
A report sets the part it speaks for to reported, a completion from the lead closes the task as
above, and a completion from any other party marks only its own part done: the task stays open
until the lead's completion is accepted.

Races: a decision is one conditional UPDATE (``… WHERE status = 'submitted'`` or
``'pending'``), so of two presses of a button, or two bot processes, exactly one decides and the
other gets AlreadyDecided. Every other change to a task begins by locking the task's row
(``_lock_task``), so two reports on one task queue up instead of both finding nothing pending.

Errors a user can cause raise a ReportError (or ValueError for a malformed request) before
anything is changed; the session is then rolled back by its scope.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import and_, case, func, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from models.access import CLOSED_STATUSES
from models.queries import TargetView, record_event
from models.tables import (
    Department,
    DepartmentRole,
    ExtensionRequest,
    ExtensionStatus,
    PartStatus,
    Person,
    ProgressReport,
    ReportStatus,
    Role,
    Target,
    Task,
    TaskAlias,
    TaskDepartment,
    TaskLeader,
    TaskStatus,
)

PHRASE_LENGTH = 100  # TaskAlias.phrase's column width
_DETAIL_TEXT = 60  # how much of a report's words an audit detail keeps
_CHUNK = 5000  # ids per IN list: below SQLite's bound-parameter limit

# An attachment as the bot hands it over: {"kind": "photo"|"document", "file_id": …, "name": …}
Attachment = Mapping[str, str]
_Row = TypeVar("_Row", ProgressReport, ExtensionRequest)


class ReportError(Exception):
    """A report, review or extension that cannot be made; nothing was changed."""


class NotFound(ReportError, LookupError):
    """No such task, report or request (a stale button, or a task removed since)."""


class NotAllowed(ReportError):
    """This person may not do this on this task."""


class TaskClosed(NotAllowed):
    """The task is done or cancelled: nothing more is reported on it."""

    def __init__(self, task_id: int, status: str) -> None:
        super().__init__(f"task {task_id} is {status}")
        self.task_id = task_id
        self.status = status


class AlreadyDecided(ReportError):
    """The completion or extension was decided before (a second press, another process).

    ``decided`` is the row as it now stands (who decided, when and how), detached from the
    session so that it stays readable after the session rolls back.
    """

    def __init__(self, decided: ProgressReport | ExtensionRequest) -> None:
        super().__init__(f"{type(decided).__name__} {decided.id} is {decided.status}")
        self.decided = decided


class AlreadyPending(ReportError):
    """The task has an extension request waiting for a decision; ``request`` is that one,
    detached from the session like AlreadyDecided's row."""

    def __init__(self, request: ExtensionRequest) -> None:
        super().__init__(f"extension request {request.id} of task {request.task_id} is pending")
        self.request = request


# --- who may do what --------------------------------------------------------------------


def may_report(session: Session, *, person: Person, task_id: int) -> bool:
    """Whether ``person`` may report progress, completion or an extension on this task.

    An admin any task; a leader the tasks they lead (any position); staff the tasks their
    department leads or shares. Never on a closed task (done, cancelled), nor a missing one.
    """
    task = session.get(Task, task_id)
    if task is None or task.status in CLOSED_STATUSES:
        return False
    return _reports_on(session, person=person, task_id=task_id)


def _reports_on(session: Session, *, person: Person, task_id: int) -> bool:
    """The role part of ``may_report``, whatever the task's status."""
    if person.id is None:
        return False
    if person.role == Role.admin:
        return True
    if person.role == Role.leader:
        link = select(TaskLeader.task_id).where(
            TaskLeader.task_id == task_id, TaskLeader.person_id == person.id
        )
    elif person.role == Role.staff and person.department_id is not None:
        link = select(TaskDepartment.task_id).where(
            TaskDepartment.task_id == task_id,
            TaskDepartment.department_id == person.department_id,
        )
    else:
        return False
    return session.exec(link.limit(1)).first() is not None


def _lead_leader_id(session: Session, *, task_id: int) -> int | None:
    return session.exec(
        select(TaskLeader.person_id).where(TaskLeader.task_id == task_id, TaskLeader.position == 0)
    ).first()


def approvers(session: Session, *, task_id: int) -> list[Person]:
    """Who reviews a completion and decides an extension: the lead leader (position 0);
    for a task with no leader, the admins (by id). Nobody for a missing task."""
    if session.get(Task, task_id) is None:
        return []
    lead = session.exec(
        select(Person)
        .join(TaskLeader, col(TaskLeader.person_id) == Person.id)
        .where(TaskLeader.task_id == task_id, TaskLeader.position == 0)
    ).first()
    if lead is not None:
        return [lead]
    return list(
        session.exec(select(Person).where(Person.role == Role.admin).order_by(col(Person.id)))
    )


def may_approve(session: Session, *, person: Person, task_id: int) -> bool:
    """Whether ``person`` decides this task's completions and extensions: its lead leader
    (position 0) or an admin. Another of the task's leaders does not."""
    if person.id is None or session.get(Task, task_id) is None:
        return False
    return person.role == Role.admin or _lead_leader_id(session, task_id=task_id) == person.id


# --- the parties of a shared task -------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """Whom a reporter speaks for on one task: their own part, or the task's lead.

    ``lead`` says whether a completion from them closes the task (as the lead, through review
    or at once) or marks only their own part done. A task that names no lead (no leader at
    position 0, no lead department at position 0) is led by whoever reports on it.
    """

    name: str  # as the chat names the party: 郑昌盛, 学会部
    lead: bool
    lead_name: str  # who leads the task: its lead department, else its lead leader
    leader_id: int | None = None  # speaks for this leader's TaskLeader row
    department_id: int | None = None  # speaks for this department's TaskDepartment row(s)
    done: bool = False  # every row it speaks for is done already


@dataclass(frozen=True)
class PartyStanding:
    """One party of a task and where its part stands, for the task's view."""

    kind: str  # "leader" | "department"
    name: str
    lead: bool  # the lead leader, or a lead (牵头) department
    status: str  # a PartStatus
    reported_at: datetime | None  # when its last report came


def speaks_for(session: Session, *, person: Person, task_id: int) -> Party | None:
    """Whose part ``person`` reports for on this task; None when they may not report on it.

    A leader of the task speaks for their own TaskLeader row, staff for their department's
    TaskDepartment row(s) on it, an admin (reporting on someone's behalf) for the whole task:
    its lead leader's and lead department's rows. The lead is the leader at position 0 and
    the members of the lead department at position 0.
    """
    if not may_report(session, person=person, task_id=task_id):
        return None
    return _party(session, person=person, task_id=task_id)


def _party(session: Session, *, person: Person, task_id: int) -> Party:
    """``speaks_for`` whatever the task's status, for someone who reports (or reported) on it."""
    leaders = session.exec(
        select(TaskLeader.person_id, TaskLeader.position, TaskLeader.part_status, Person.name)
        .join(Person, col(Person.id) == TaskLeader.person_id)
        .where(TaskLeader.task_id == task_id)
    ).all()
    leads = and_(col(TaskDepartment.role) == DepartmentRole.lead, col(TaskDepartment.position) == 0)
    departments = session.exec(
        select(TaskDepartment.department_id, leads, TaskDepartment.part_status, Department.name)
        .join(Department, col(Department.id) == TaskDepartment.department_id)
        .where(TaskDepartment.task_id == task_id)
    ).all()
    lead_leader = next(((id_, name) for id_, pos, _, name in leaders if pos == 0), None)
    lead_department = next(((id_, name) for id_, first, _, name in departments if first), None)
    lead_name = (lead_department or lead_leader or (None, ""))[1]
    unled = lead_leader is None and lead_department is None
    if person.role == Role.admin:
        leader_id = lead_leader[0] if lead_leader else None
        department_id = lead_department[0] if lead_department else None
    elif person.role == Role.leader:
        leader_id, department_id = person.id, None
    else:
        leader_id, department_id = None, person.department_id
    statuses = [status for id_, _, status, _ in leaders if id_ == leader_id]
    statuses += [status for id_, _, status, _ in departments if id_ == department_id]
    if person.role == Role.admin:
        name, lead = lead_name, True
    elif person.role == Role.leader:
        name = person.name
        lead = unled or (lead_leader is not None and lead_leader[0] == person.id)
    else:
        name = next((n for id_, _, _, n in departments if id_ == department_id), "")
        lead = unled or (lead_department is not None and lead_department[0] == department_id)
    return Party(
        name=name,
        lead=lead,
        lead_name=lead_name,
        leader_id=leader_id,
        department_id=department_id,
        done=bool(statuses) and all(status == PartStatus.done for status in statuses),
    )


def _file(
    session: Session,
    *,
    task: Task,
    report: ProgressReport,
    party: Party,
    done: bool,
    now: datetime,
) -> None:
    """Keep a report of progress or of a part done: the task is under way from now on, and the
    reporting party's part stands at this report."""
    assert task.id is not None
    session.add(report)
    if task.status == TaskStatus.open:
        task.status = TaskStatus.in_progress
        task.updated_at = now
        session.add(task)
    session.flush()
    _mark_part(session, task_id=task.id, party=party, report_id=report.id, done=done)


def _mark_part(
    session: Session, *, task_id: int, party: Party, report_id: int | None, done: bool
) -> None:
    """The rows ``party`` speaks for now stand at ``report_id``: done, or else reported
    (a part that was done stays done)."""
    for table, key, value in (
        (TaskLeader, TaskLeader.person_id, party.leader_id),
        (TaskDepartment, TaskDepartment.department_id, party.department_id),
    ):
        if value is None:
            continue
        status = (
            PartStatus.done
            if done
            else case(
                (col(table.part_status) == PartStatus.done, PartStatus.done),
                else_=PartStatus.reported,
            )
        )
        session.exec(
            update(table)
            .where(col(table.task_id) == task_id, col(key) == value)
            .values(part_status=status, last_report_id=report_id)
            .execution_options(synchronize_session=False)
        )


def task_parties(session: Session, *, task_id: int) -> list[PartyStanding]:
    """Every party of a task with its part's status and last report: the leaders in their
    order, then the lead departments, then the responsible ones."""
    reported_at = col(ProgressReport.created_at)
    leaders = session.exec(
        select(Person.name, TaskLeader.position, TaskLeader.part_status, reported_at)
        .join(Person, col(Person.id) == TaskLeader.person_id)
        .outerjoin(ProgressReport, col(ProgressReport.id) == TaskLeader.last_report_id)
        .where(TaskLeader.task_id == task_id)
        .order_by(col(TaskLeader.position), col(Person.id))
    ).all()
    departments = session.exec(
        select(Department.name, TaskDepartment.role, TaskDepartment.part_status, reported_at)
        .join(Department, col(Department.id) == TaskDepartment.department_id)
        .outerjoin(ProgressReport, col(ProgressReport.id) == TaskDepartment.last_report_id)
        .where(TaskDepartment.task_id == task_id)
        .order_by(
            col(TaskDepartment.role) != DepartmentRole.lead,
            col(TaskDepartment.position),
            col(Department.id),
        )
    ).all()
    return [
        PartyStanding("leader", name, position == 0, status, at)
        for name, position, status, at in leaders
    ] + [
        PartyStanding("department", name, role == DepartmentRole.lead, status, at)
        for name, role, status, at in departments
    ]


# --- progress ---------------------------------------------------------------------------


def pick_target(targets: Sequence[TargetView], *, unit: str, hint_text: str) -> TargetView | None:
    """Which of a task's targets an amount in ``unit`` is for.

    Only targets counted in the same unit qualify; one such target is the answer. Among
    several, the one whose metric shares the most letters with the message wins ("大篷车跑了
    25场" -> 科普大篷车巡展 over 科普讲座). A tie, or a message sharing nothing with any of
    them, is ambiguous: None, as when no target has the unit; the caller then asks.
    """
    same_unit = [target for target in targets if target.unit == unit]
    if len(same_unit) <= 1:
        return same_unit[0] if same_unit else None
    said = _letters(hint_text)
    scores = [len(_letters(target.metric) & said) for target in same_unit]
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return None
    return same_unit[scores.index(best)]


def _letters(text: str) -> set[str]:
    """The letters of a text (every Chinese character is one), without digits or punctuation."""
    return {character for character in text.lower() if character.isalpha()}


def record_progress(
    session: Session,
    *,
    task_id: int,
    person_id: int,
    text: str,
    now: datetime,
    amount: float | None = None,
    target_id: int | None = None,
    percent: float | None = None,
    note: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> ProgressReport:
    """A progress report, counted at once (status recorded); an open task becomes in progress,
    and the part the reporter speaks for (``speaks_for``) is reported, unless already done.

    ``amount`` is the cumulative amount achieved on the task's target ``target_id`` (巡展
    25/40 -> 25): the target's ``achieved`` becomes exactly that, above its value or below an
    earlier report (a correction) alike. ``percent`` is 0-100.

    Raises NotFound, NotAllowed (TaskClosed for a closed task), or ValueError for an amount
    without a target, a target of another task, a negative amount, a percent outside 0-100
    or an attachment without kind and file_id.
    """
    if amount is not None and not (math.isfinite(amount) and amount >= 0):
        raise ValueError(f"amount {amount} is not a count")
    if amount is not None and target_id is None:
        raise ValueError("an amount needs the target it counts towards")
    if percent is not None and not 0 <= percent <= 100:
        raise ValueError(f"percent {percent} is outside 0-100")
    stored = _attachments_json(attachments)
    task = _lock_task(session, task_id=task_id)
    person = _require_reporter(session, person_id=person_id, task=task)
    target: Target | None = None
    if target_id is not None:
        target = session.get(Target, target_id)
        if target is None or target.task_id != task_id:
            raise ValueError(f"target {target_id} is not one of task {task_id}'s")
        if amount is not None:
            target.achieved = amount
            session.add(target)
    report = ProgressReport(
        task_id=task_id,
        person_id=person_id,
        text=text,
        value=amount,
        target_id=target_id,
        percent=percent,
        note=note,
        attachments=stored,
        status=ReportStatus.recorded,
        created_at=now,
    )
    _file(
        session,
        task=task,
        report=report,
        party=_party(session, person=person, task_id=task_id),
        done=False,
        now=now,
    )
    record_event(
        session,
        at=now,
        action="task.progress",
        detail=_progress_detail(text, amount=amount, target=target, percent=percent),
        actor_id=person_id,
        task_id=task_id,
    )
    return report


def _progress_detail(
    text: str, *, amount: float | None, target: Target | None, percent: float | None
) -> str:
    """The audit trail's short form of a report: "科普大篷车巡展 25/40场; 60%", else its words."""
    parts = []
    if target is not None and amount is not None:
        parts.append(f"{target.metric} {amount:g}/{target.value:g}{target.unit}")
    if percent is not None:
        parts.append(f"{percent:g}%")
    return "; ".join(parts) or " ".join(text.split())[:_DETAIL_TEXT]


def _attachments_json(attachments: Sequence[Attachment]) -> str:
    """The attachments as stored: a JSON list of {kind, file_id[, name]}."""
    kept: list[dict[str, str]] = []
    for attachment in attachments:
        kind, file_id = attachment.get("kind"), attachment.get("file_id")
        if not kind or not file_id:
            raise ValueError(f"attachment {dict(attachment)} lacks a kind or a file_id")
        entry = {"kind": kind, "file_id": file_id}
        if attachment.get("name"):
            entry["name"] = attachment["name"]
        kept.append(entry)
    return json.dumps(kept, ensure_ascii=False)


def attachments_of(report: ProgressReport) -> list[dict[str, str]]:
    """The files sent with a report: [{"kind", "file_id"[, "name"]}]."""
    return [dict(item) for item in json.loads(report.attachments)]


# --- completion and its review ----------------------------------------------------------


def submit_completion(
    session: Session,
    *,
    task_id: int,
    person_id: int,
    text: str,
    now: datetime,
    note: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> ProgressReport:
    """The reporter says the task is done, or, from a party other than the lead, that their
    own part of it is.

    From the lead (``speaks_for``): from someone who may approve it (its lead leader, an
    admin) it is accepted at once: the task is done, the report accepted and reviewed by its
    reporter (audit "task.completed"), the lead's part done. From anyone else of the lead it
    waits for review: the report is submitted, the task pending review, the lead's part
    reported (audit "task.completion_submitted"). A task already waiting for review gets no
    second pending report: the one waiting is returned unchanged (its ``person_id`` and
    ``status`` tell the caller so).

    From another party only that party's part is done: the report is recorded (``completes``
    and status recorded), nobody reviews it, and the task stays open (an open one is in
    progress now; audit "task.part_done" with the party's name).

    Raises NotFound, NotAllowed (TaskClosed for a closed task) or ValueError (attachments).
    """
    stored = _attachments_json(attachments)
    task = _lock_task(session, task_id=task_id)
    person = _require_reporter(session, person_id=person_id, task=task)
    party = _party(session, person=person, task_id=task_id)
    if not party.lead:
        return _part_done(
            session, task=task, party=party, person_id=person_id, text=text, now=now,
            note=note, attachments=stored,
        )  # fmt: skip
    waiting = _submitted(session, task_id=task_id)
    if waiting is not None:
        return waiting
    at_once = may_approve(session, person=person, task_id=task_id)
    report = ProgressReport(
        task_id=task_id,
        person_id=person_id,
        text=text,
        note=note,
        attachments=stored,
        completes=True,
        status=ReportStatus.accepted if at_once else ReportStatus.submitted,
        created_at=now,
        reviewed_by_id=person_id if at_once else None,
        reviewed_at=now if at_once else None,
    )
    session.add(report)
    task.status = TaskStatus.done if at_once else TaskStatus.pending_review
    task.updated_at = now
    session.add(task)
    session.flush()
    _mark_part(session, task_id=task_id, party=party, report_id=report.id, done=at_once)
    record_event(
        session,
        at=now,
        action="task.completed" if at_once else "task.completion_submitted",
        detail=f"report {report.id}",
        actor_id=person_id,
        task_id=task_id,
    )
    return report


def _part_done(
    session: Session,
    *,
    task: Task,
    party: Party,
    person_id: int,
    text: str,
    now: datetime,
    note: str | None,
    attachments: str,
) -> ProgressReport:
    """A party other than the lead says its part is done: recorded, its part done."""
    assert task.id is not None
    report = ProgressReport(
        task_id=task.id,
        person_id=person_id,
        text=text,
        note=note,
        attachments=attachments,
        completes=True,
        status=ReportStatus.recorded,
        created_at=now,
    )
    _file(session, task=task, report=report, party=party, done=True, now=now)
    record_event(
        session,
        at=now,
        action="task.part_done",
        detail=party.name,
        actor_id=person_id,
        task_id=task.id,
    )
    return report


def _submitted(session: Session, *, task_id: int) -> ProgressReport | None:
    """The task's completion waiting for review, if any (there is at most one)."""
    return session.exec(
        select(ProgressReport)
        .where(ProgressReport.task_id == task_id, ProgressReport.status == ReportStatus.submitted)
        .order_by(col(ProgressReport.id))
    ).first()


def _check_decider(session: Session, *, person_id: int, task_id: int) -> None:
    """NotAllowed unless ``person_id`` is the task's lead leader or an admin."""
    person = session.get(Person, person_id)
    if person is None or not may_approve(session, person=person, task_id=task_id):
        raise NotAllowed(f"person {person_id} may not decide on task {task_id}")


def review_completion(
    session: Session,
    *,
    report_id: int,
    reviewer_id: int,
    approve: bool,
    now: datetime,
    reason: str | None = None,
) -> ProgressReport:
    """Decide a completion waiting for review: approved, the task is done and the report
    accepted (audit "task.approved"); returned, the task is in progress again and the report
    returned with ``reason`` as its review note (audit "task.returned"). A reason given with
    an approval is kept as the note too.

    Approved, the part its reporter speaks for is done; the other parties' parts stay as they
    are, and a return touches none.

    Raises NotFound; NotAllowed unless the reviewer is the lead leader or an admin; ValueError
    for a return without a reason; AlreadyDecided when the report is not waiting (any more):
    the decision is one conditional UPDATE, so of two presses only one decides.
    """
    report = session.get(ProgressReport, report_id)
    if report is None:
        raise NotFound(f"report {report_id}")
    _check_decider(session, person_id=reviewer_id, task_id=report.task_id)
    note = (reason or "").strip() or None
    if not approve and note is None:
        raise ValueError("a completion is returned with a reason")
    decided = session.exec(
        update(ProgressReport)
        .where(
            col(ProgressReport.id) == report_id,
            col(ProgressReport.status) == ReportStatus.submitted,
        )
        .values(
            status=ReportStatus.accepted if approve else ReportStatus.returned,
            reviewed_by_id=reviewer_id,
            reviewed_at=now,
            review_note=note,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(report)
    if decided.rowcount != 1:
        raise AlreadyDecided(_detached(session, report))
    # Only a task still waiting moves: one cancelled by a revised document stays cancelled.
    session.exec(
        update(Task)
        .where(col(Task.id) == report.task_id, col(Task.status) == TaskStatus.pending_review)
        .values(status=TaskStatus.done if approve else TaskStatus.in_progress, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    _refresh_task(session, task_id=report.task_id)
    reporter = session.get(Person, report.person_id) if report.person_id is not None else None
    if approve and reporter is not None:
        party = _party(session, person=reporter, task_id=report.task_id)
        _mark_part(session, task_id=report.task_id, party=party, report_id=report.id, done=True)
    record_event(
        session,
        at=now,
        action="task.approved" if approve else "task.returned",
        detail=f"report {report_id}" + (f": {note}" if note else ""),
        actor_id=reviewer_id,
        task_id=report.task_id,
    )
    return report


# --- extensions -------------------------------------------------------------------------


def request_extension(
    session: Session,
    *,
    task_id: int,
    person_id: int,
    requested_due: date,
    today: date,
    now: datetime,
    reason: str = "",
) -> ExtensionRequest:
    """Ask for a new deadline. ``previous_due`` is the task's deadline now; the request is late
    (超时) when asked after that deadline had passed. Audit "task.extension_requested".

    From someone who may approve (the lead leader, an admin) it is granted at once, as by
    ``decide_extension``. A task has one pending request at a time: a second one is refused
    with AlreadyPending carrying the first, which its approver decides (or the requester
    withdraws through the approver) before another is asked.

    Raises NotFound, NotAllowed (TaskClosed), AlreadyPending, or ValueError for a requested
    deadline before ``today``.
    """
    if requested_due < today:
        raise ValueError(f"requested deadline {requested_due} is before today {today}")
    task = _lock_task(session, task_id=task_id)
    person = _require_reporter(session, person_id=person_id, task=task)
    waiting = session.exec(
        select(ExtensionRequest)
        .where(
            ExtensionRequest.task_id == task_id,
            ExtensionRequest.status == ExtensionStatus.pending,
        )
        .order_by(col(ExtensionRequest.id))
    ).first()
    if waiting is not None:
        raise AlreadyPending(_detached(session, waiting))
    late = task.due is not None and today > task.due
    request = ExtensionRequest(
        task_id=task_id,
        person_id=person_id,
        requested_due=requested_due,
        previous_due=task.due,
        late=late,
        reason=reason.strip(),
        created_at=now,
    )
    session.add(request)
    session.flush()
    record_event(
        session,
        at=now,
        action="task.extension_requested",
        detail=f"{_day(task.due)} -> {_day(requested_due)}" + (" late" if late else ""),
        actor_id=person_id,
        task_id=task_id,
    )
    if may_approve(session, person=person, task_id=task_id):
        request.status = ExtensionStatus.approved
        request.decided_by_id = person_id
        request.decided_at = now
        request.granted_due = requested_due
        session.add(request)
        _extend(session, task=task, due=requested_due, now=now, actor_id=person_id)
    return request


def decide_extension(
    session: Session,
    *,
    request_id: int,
    decider_id: int,
    approve: bool,
    now: datetime,
    due: date | None = None,
    note: str | None = None,
) -> ExtensionRequest:
    """Decide a pending extension request.

    Approved: the task's deadline becomes ``due`` (another date than asked) or else the one
    requested, recorded as ``granted_due``; its ``due_text`` becomes the ISO date and an
    unknown ``due_kind`` becomes "by" (a plain deadline). Reminder stages are keyed by their
    deadline day, so the new deadline's countdown starts afresh. Audit "task.extended" with
    "old -> new". Rejected: the deadline stays; audit "task.extension_declined".

    Raises NotFound; NotAllowed unless the decider is the lead leader or an admin;
    AlreadyDecided when the request is not pending (any more): one conditional UPDATE.
    """
    request = session.get(ExtensionRequest, request_id)
    if request is None:
        raise NotFound(f"extension request {request_id}")
    _check_decider(session, person_id=decider_id, task_id=request.task_id)
    granted = (due or request.requested_due) if approve else None
    decided = session.exec(
        update(ExtensionRequest)
        .where(
            col(ExtensionRequest.id) == request_id,
            col(ExtensionRequest.status) == ExtensionStatus.pending,
        )
        .values(
            status=ExtensionStatus.approved if approve else ExtensionStatus.rejected,
            decided_by_id=decider_id,
            decided_at=now,
            granted_due=granted,
            decision_note=(note or "").strip() or None,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(request)
    if decided.rowcount != 1:
        raise AlreadyDecided(_detached(session, request))
    if granted is not None:
        task = _lock_task(session, task_id=request.task_id)
        _extend(session, task=task, due=granted, now=now, actor_id=decider_id)
    else:
        record_event(
            session,
            at=now,
            action="task.extension_declined",
            detail=f"{_day(request.previous_due)} -> {_day(request.requested_due)}",
            actor_id=decider_id,
            task_id=request.task_id,
        )
    return request


def _extend(session: Session, *, task: Task, due: date, now: datetime, actor_id: int) -> None:
    """Move the task's deadline to ``due``, and say so in the audit trail."""
    old = task.due
    task.due = due
    task.due_text = due.isoformat()
    if task.due_kind == "unknown":
        task.due_kind = "by"  # nlu.deadline's kind for a plain "by this day"
    task.updated_at = now
    session.add(task)
    record_event(
        session,
        at=now,
        action="task.extended",
        detail=f"{_day(old)} -> {_day(due)}",
        actor_id=actor_id,
        task_id=task.id,
    )


def _day(day: date | None) -> str:
    return day.isoformat() if day is not None else "none"


# --- what waits for a decision, and the last word on each task --------------------------


def pending_reviews(session: Session, *, person: Person) -> list[ProgressReport]:
    """Completions waiting for ``person``'s review, oldest first: an admin's are all of them,
    a lead leader's those of the tasks they lead; nobody else's any."""
    query = select(ProgressReport).where(ProgressReport.status == ReportStatus.submitted)
    if person.id is None:
        return []
    if person.role != Role.admin:
        query = query.where(col(ProgressReport.task_id).in_(_led_first_by(person.id)))
    order = (col(ProgressReport.created_at), col(ProgressReport.id))
    return list(session.exec(query.order_by(*order)))


def pending_extensions(session: Session, *, person: Person) -> list[ExtensionRequest]:
    """Extension requests waiting for ``person``'s decision, oldest first (as pending_reviews)."""
    query = select(ExtensionRequest).where(ExtensionRequest.status == ExtensionStatus.pending)
    if person.id is None:
        return []
    if person.role != Role.admin:
        query = query.where(col(ExtensionRequest.task_id).in_(_led_first_by(person.id)))
    order = (col(ExtensionRequest.created_at), col(ExtensionRequest.id))
    return list(session.exec(query.order_by(*order)))


def _led_first_by(person_id: int) -> SelectOfScalar[int]:
    """Ids of the tasks ``person_id`` is the lead leader of."""
    return select(TaskLeader.task_id).where(
        TaskLeader.person_id == person_id, TaskLeader.position == 0
    )


def last_report(session: Session, *, task_ids: Iterable[int]) -> dict[int, ProgressReport]:
    """Each task's latest report of any kind (task id -> report); tasks never reported on are
    left out."""
    ids = sorted(set(task_ids))
    found: dict[int, ProgressReport] = {}
    for start in range(0, len(ids), _CHUNK):
        rank = (
            func.row_number()
            .over(
                partition_by=col(ProgressReport.task_id),
                order_by=(col(ProgressReport.created_at).desc(), col(ProgressReport.id).desc()),
            )
            .label("rank")
        )
        ranked = (
            select(col(ProgressReport.id), rank)
            .where(col(ProgressReport.task_id).in_(ids[start : start + _CHUNK]))
            .subquery()
        )
        rows = session.exec(
            select(ProgressReport)
            .join(ranked, ranked.c.id == ProgressReport.id)
            .where(ranked.c.rank == 1)
        )
        found.update((report.task_id, report) for report in rows)
    return found


# --- aliases ----------------------------------------------------------------------------


def remember_alias(
    session: Session, *, phrase: str, task_id: int, person_id: int | None, now: datetime
) -> None:
    """Remember that the office calls task ``task_id`` ``phrase`` (大篷车 -> task 15).

    The phrase is taken as nlu normalises messages, spaces trimmed. Remembering it again
    changes nothing, also when another process does it at the same moment. Raises ValueError
    for an empty phrase or one longer than the column holds.
    """
    phrase = _phrase(phrase)
    if not phrase or len(phrase) > PHRASE_LENGTH:
        raise ValueError(f"alias {phrase!r} is empty or longer than {PHRASE_LENGTH}")
    row = {"phrase": phrase, "task_id": task_id, "created_by_id": person_id, "created_at": now}
    keys = ["phrase", "task_id"]  # uq_alias_phrase_task
    if session.get_bind().dialect.name == "postgresql":
        session.exec(
            postgresql_insert(TaskAlias).values(row).on_conflict_do_nothing(index_elements=keys)
        )
    else:
        session.exec(
            sqlite_insert(TaskAlias).values(row).on_conflict_do_nothing(index_elements=keys)
        )


def aliases(session: Session) -> dict[str, list[int]]:
    """Every remembered phrase with the tasks it names, in task id order."""
    found: dict[str, list[int]] = {}
    for phrase, task_id in session.exec(
        select(TaskAlias.phrase, TaskAlias.task_id).order_by(col(TaskAlias.task_id))
    ):
        found.setdefault(phrase, []).append(task_id)
    return found


def alias_tasks(session: Session, *, phrase: str) -> list[int]:
    """The tasks a phrase was remembered for, in id order."""
    return list(
        session.exec(
            select(TaskAlias.task_id)
            .where(TaskAlias.phrase == _phrase(phrase))
            .order_by(col(TaskAlias.task_id))
        )
    )


def _phrase(phrase: str) -> str:
    return " ".join(phrase.split())


# --- locking and checks -----------------------------------------------------------------


def _lock_task(session: Session, *, task_id: int) -> Task:
    """The task, its row locked until the transaction ends; NotFound when there is none.

    A write that changes nothing: PostgreSQL then holds the row and SQLite its write lock, so a
    second report on the task waits for this one and sees what it did (a pending completion, a
    pending request) instead of both finding nothing. ``updated_at`` keeps its value.
    """
    locked = session.exec(
        update(Task)
        .where(col(Task.id) == task_id)
        .values(updated_at=col(Task.updated_at))
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        raise NotFound(f"task {task_id}")
    task = _refresh_task(session, task_id=task_id)
    assert task is not None
    return task


def _refresh_task(session: Session, *, task_id: int) -> Task | None:
    """The task as the database has it now, not as this session last read it."""
    task = session.get(Task, task_id)
    if task is not None:
        session.refresh(task)
    return task


def _detached(session: Session, row: _Row) -> _Row:
    """``row`` out of the session, its values kept: an error carries it past the rollback."""
    session.expunge(row)
    return row


def _require_reporter(session: Session, *, person_id: int, task: Task) -> Person:
    """The person, if they may report on ``task``; else NotAllowed (TaskClosed when closed)."""
    assert task.id is not None
    person = session.get(Person, person_id)
    if person is None or not _reports_on(session, person=person, task_id=task.id):
        raise NotAllowed(f"person {person_id} may not report on task {task.id}")
    if task.status in CLOSED_STATUSES:
        raise TaskClosed(task.id, task.status)
    return person
