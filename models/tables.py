"""The ledger's tables (台账). Times are UTC-aware; deadlines are dates in the office's zone."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime


class Role(StrEnum):
    admin = "admin"  # 督办员: sees and manages everything
    leader = "leader"  # 责任领导
    staff = "staff"  # 部室/县科协 staff


class TaskStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    pending_review = "pending_review"
    done = "done"
    cancelled = "cancelled"


class DepartmentRole(StrEnum):
    lead = "lead"  # 牵头
    responsible = "responsible"  # 责任/配合


class PartStatus(StrEnum):
    """Where one party of a shared task (a leader, a department) stands with its own part."""

    open = "open"  # nothing reported yet
    reported = "reported"  # progress reported
    done = "done"  # its part is done (the lead's completion still closes the task)


def _fk(target: str, *, nullable: bool = False, cascade: bool = True) -> Column[int]:
    return Column(
        Integer,
        ForeignKey(target, ondelete="CASCADE" if cascade else "SET NULL"),
        nullable=nullable,
        index=True,
    )


def _utc(*, nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)  # normalised: 普及部（中心）


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    role: str = Field(default=Role.staff, max_length=16)  # a Role; plain text, no DB enum
    department_id: int | None = Field(
        default=None, sa_column=_fk("department.id", nullable=True, cascade=False)
    )
    telegram_user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, nullable=True)
    )
    telegram_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    language: str | None = Field(default=None, max_length=16)
    reachable: bool = True  # false once Telegram says the chat is gone (blocked the bot)
    created_at: datetime = Field(sa_column=_utc())
    remind_at: time | None = None  # when their digests come; None: the office's time
    paused_until: date | None = None  # on leave: no reminders up to and including this day
    active: bool = True  # false once they have left: no reminders, no chat, not in pickers
    # The plan their questions are about (/plan 2024); None: the current plans (models.plans).
    plan_id: int | None = Field(
        default=None, sa_column=_fk("plan.id", nullable=True, cascade=False)
    )


class DepartmentOversight(SQLModel, table=True):
    """分管: a leader oversees a department, as an admin set it (models.access also derives
    oversight from the tasks a leader leads)."""

    person_id: int = Field(
        sa_column=Column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    department_id: int = Field(
        sa_column=Column(
            ForeignKey("department.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class OfficeSetting(SQLModel, table=True):
    """An office-wide default an admin sets in chat (e.g. remind_at = 09:00)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)


class LedgerRevision(SQLModel, table=True):
    """One row whose value grows whenever a name, a plan or a task's words change: what is
    built from them (the names the chat reads, the plans in scope) is cached per value.
    Database triggers keep it (models/migrations 0009), whatever statement made the change."""

    id: int = Field(default=1, primary_key=True)
    value: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    txid: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class Invite(SQLModel, table=True):
    """A single-use onboarding code; only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_column=_fk("person.id"))
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=_utc())
    expires_at: datetime = Field(sa_column=_utc())
    used_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, cascade=False)
    )


class Plan(SQLModel, table=True):
    """One imported document (重点工作任务分解清单, 工作要点 …)."""

    __table_args__ = (UniqueConstraint("title", "year", name="uq_plan_title_year"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    year: int | None = None
    source_name: str = Field(max_length=300)
    source_hash: str = Field(max_length=64)  # sha256 of the file's bytes
    imported_at: datetime = Field(sa_column=_utc())
    updated_at: datetime = Field(sa_column=_utc())
    archived_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


# A merged row (8-10, 8、10) is found by any number it covers: few rows are, so they have a
# partial index of their own (models.access.task_by_number), whose condition a query must
# repeat word for word. Only the migrations declare it (``outside_models``).
MERGED_NUMBER = "number LIKE '%-%' OR number LIKE '%、%'"
SEARCH_TABLE = "task_search"  # SQLite adds its shadow tables task_search_data, _idx, …


def outside_models(name: str | None, kind: str, _parents: object = None) -> bool:
    """For Alembic's comparison of the models with the database: False for what only the
    migrations keep, each database in its own way (the search tables, a partial index:
    declaring its condition here would load every SQL dialect whenever the models load)."""
    if name is None:
        return True
    if kind == "table":
        return not name.startswith(SEARCH_TABLE)
    return not (kind == "index" and name == "ix_task_merged_number")


class Task(SQLModel, table=True):
    __table_args__ = (
        Index("ix_task_plan_number", "plan_id", "number"),
        # Lists run in this order (soonest first, then the document's order): with the index
        # a page is read in order and stops early, instead of sorting every tie on the date.
        # … and holds the status, so a list's capped count (500+) is read from it alone.
        Index("ix_task_due_order", "due", "plan_id", "seq", "status"),
        # The sweep looks for open tasks due soon, open-ended or recurring: one index search
        # each (models.reminders.chased_tasks), not a read of every open task.
        Index("ix_task_status_due", "status", "due"),
        Index("ix_task_status_due_kind", "status", "due_kind"),
        Index("ix_task_status_recurrence", "status", "recurrence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(sa_column=_fk("plan.id"))
    seq: int  # order in the document
    number: str | None = Field(default=None, max_length=32)  # as written: "8-10"
    category: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    focus: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    content: str = Field(sa_column=Column(Text, nullable=False))
    measures: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    due: date | None = None
    due_text: str | None = Field(default=None, max_length=200)
    due_kind: str = Field(default="unknown", max_length=16)
    recurrence: str | None = Field(default=None, max_length=16)
    start: date | None = None
    status: str = Field(default=TaskStatus.open, max_length=16)  # a TaskStatus
    created_at: datetime = Field(sa_column=_utc())
    updated_at: datetime = Field(sa_column=_utc())


class TaskLeader(SQLModel, table=True):
    """责任领导 of a task; position 0 leads."""

    task_id: int = Field(
        sa_column=Column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    person_id: int = Field(
        sa_column=Column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True)
    )
    position: int = 0
    part_status: str = Field(default=PartStatus.open, max_length=16)  # a PartStatus
    last_report_id: int | None = Field(
        default=None, sa_column=_fk("progressreport.id", nullable=True, cascade=False)
    )


class TaskDepartment(SQLModel, table=True):
    """牵头 (lead) and 责任 (responsible) departments of a task; position 0 of lead leads."""

    task_id: int = Field(
        sa_column=Column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    department_id: int = Field(
        sa_column=Column(
            ForeignKey("department.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    role: str = Field(sa_column=Column("role", String(16), primary_key=True))  # DepartmentRole
    position: int = 0
    part_status: str = Field(default=PartStatus.open, max_length=16)  # a PartStatus
    last_report_id: int | None = Field(
        default=None, sa_column=_fk("progressreport.id", nullable=True, cascade=False)
    )


class Target(SQLModel, table=True):
    """A quantitative target of a task (巡展40场) and how much is achieved so far."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(sa_column=_fk("task.id"))
    position: int = 0
    text: str = Field(sa_column=Column(Text, nullable=False))
    metric: str = Field(sa_column=Column(Text, nullable=False))
    value: float
    unit: str = Field(max_length=16)
    achieved: float = 0


class ReportStatus(StrEnum):
    recorded = "recorded"  # progress: counted at once
    submitted = "submitted"  # a completion waiting for the lead leader's review (办结审核)
    accepted = "accepted"  # the completion was approved: the task is done
    returned = "returned"  # the completion was sent back with a reason


class ProgressReport(SQLModel, table=True):
    """What someone reported on a task: progress (an amount, a percent, words) or completion."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(sa_column=_fk("task.id"))
    person_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, cascade=False)
    )
    text: str = Field(sa_column=Column(Text, nullable=False))
    value: float | None = None  # the amount achieved so far, against ``target_id``
    target_id: int | None = Field(
        default=None, sa_column=_fk("target.id", nullable=True, cascade=False)
    )
    percent: float | None = None  # how far along the task is, 0-100, when said so
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Telegram files sent with the report: [{"kind": "photo"|"document", "file_id": …, "name"}]
    attachments: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    completes: bool = False  # the reporter says the task is done (goes to review)
    status: str = Field(default=ReportStatus.recorded, max_length=16)  # a ReportStatus
    created_at: datetime = Field(sa_column=_utc())
    reviewed_by_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, cascade=False)
    )
    reviewed_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    review_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ExtensionStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class ExtensionRequest(SQLModel, table=True):
    """延期申请: a new deadline asked for; the lead leader approves (maybe another date) or not."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(sa_column=_fk("task.id"))
    person_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, cascade=False)
    )
    requested_due: date
    previous_due: date | None = None  # the deadline when asked
    late: bool = False  # asked after the deadline had passed (超时)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=ExtensionStatus.pending, max_length=16)  # an ExtensionStatus
    created_at: datetime = Field(sa_column=_utc())
    decided_by_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, cascade=False)
    )
    decided_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    granted_due: date | None = None  # the deadline approved (may differ from the one asked)
    decision_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class TaskAlias(SQLModel, table=True):
    """A phrase the office uses for a task (大篷车 -> task 15), learnt when someone picks it."""

    __table_args__ = (UniqueConstraint("phrase", "task_id", name="uq_alias_phrase_task"),)

    id: int | None = Field(default=None, primary_key=True)
    phrase: str = Field(max_length=100, index=True)  # normalised as nlu reads messages
    task_id: int = Field(sa_column=_fk("task.id"))
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, cascade=False)
    )
    created_at: datetime = Field(sa_column=_utc())


class ChatState(SQLModel, table=True):
    """The bot's conversation state, kept across restarts (bot.persistence).

    ``kind`` is "conversation" (``name`` the handler's, ``key`` its JSON key) or "user"
    (``key`` the Telegram user id); ``value`` is JSON.
    """

    kind: str = Field(primary_key=True, max_length=16)
    name: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=200)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_column=_utc())


class DeliveryStatus(StrEnum):
    claimed = "claimed"  # this process is sending it (or crashed while it was)
    sent = "sent"
    failed = "failed"  # a transient error that did not clear; the reason is kept
    unreachable = "unreachable"  # Telegram refused for good (blocked, chat gone)


class Delivery(SQLModel, table=True):
    """One message to one person: a day's digest, a weekly digest, a nudge, an escalation.

    The unique key is the claim: whoever inserts the row sends the message, so two bot
    processes on one database never both send it.
    """

    __table_args__ = (
        UniqueConstraint("person_id", "kind", "day", "ref", name="uq_delivery_once"),
        Index("ix_delivery_status_day", "status", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(sa_column=_fk("person.id"))
    kind: str = Field(max_length=16)  # digest | weekly | nudge | escalation
    day: date  # the office day it is for
    ref: str = Field(default="", max_length=32)  # what makes a second one that day distinct
    status: str = Field(default=DeliveryStatus.claimed, max_length=16)
    attempts: int = 1  # claims: 2 once resent after a crash, and never more
    claimed_at: datetime = Field(sa_column=_utc())
    sent_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    acknowledged_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    snoozed_until: date | None = None


class Reminder(SQLModel, table=True):
    """A task's reminder stage for one person (``before:7``, ``due``, ``overdue:6``, ``progress``).

    One row per task × person × stage × the deadline it is about: a stage is sent once, and an
    extended deadline starts its countdown afresh. ``delivery_id`` is the message that carried
    it; ``repeated_in_id`` the next working day's, when the first was not acknowledged.
    """

    __table_args__ = (
        UniqueConstraint("task_id", "person_id", "kind", "day", name="uq_reminder_once"),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(sa_column=_fk("task.id"))
    person_id: int = Field(sa_column=_fk("person.id"))
    kind: str = Field(max_length=32)
    day: date  # the deadline (or occurrence, or month) the stage is about
    created_at: datetime = Field(sa_column=_utc())
    delivery_id: int | None = Field(default=None, sa_column=_fk("delivery.id", nullable=True))
    repeated_in_id: int | None = Field(
        default=None, sa_column=_fk("delivery.id", nullable=True, cascade=False)
    )


class AuditEvent(SQLModel, table=True):
    """Who did what and when: imports, edits, reviews."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_utc())
    actor_id: int | None = Field(
        default=None, sa_column=_fk("person.id", nullable=True, cascade=False)
    )
    action: str = Field(max_length=64)
    plan_id: int | None = Field(default=None, sa_column=_fk("plan.id", nullable=True))
    task_id: int | None = Field(default=None, sa_column=_fk("task.id", nullable=True))
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class CalendarDay(SQLModel, table=True):
    """A day an admin set by hand, over the built-in calendar: a 调休 working day or a holiday."""

    day: date = Field(primary_key=True)
    workday: bool
    note: str = Field(default="", max_length=200)  # 调休, 春节 …
    updated_at: datetime = Field(sa_column=_utc())
