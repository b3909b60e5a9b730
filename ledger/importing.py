"""The import use-case: read a task list and write it into the ledger in one transaction.

The command line, the console demo and the benchmarks import through ``import_document`` (a
database URL); the bot, which has its engine already, through ``import_file`` (a session):
one use-case, the former opening a ledger and calling the latter. The readers
(``ledger.importer``) and the writer (``ledger.store``) stay separate so either can be
tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from ledger.draft import N_, LedgerError
from ledger.importer import ParsedPlan, read_document
from ledger.store import ImportReport, apply_plan
from models.calendar_days import calendar_days, stored_calendar_days
from models.db import ledger_engine, session_scope
from models.tables import Person
from nlu.calendar import WorkCalendar

# A task list is a few hundred kilobytes; anything far larger is the wrong file.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
NO_TASK = N_("no task was found in {path}: nothing was imported")


@dataclass(frozen=True)
class ImportResult:
    """What was read, and what changed in the ledger (None for a dry run).

    A rehearsed dry run (``import_file``) also says what importing would change.
    """

    parsed: ParsedPlan
    report: ImportReport | None
    rehearsal: ImportReport | None = None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def check_declared_size(name: str, size: int, *, max_bytes: int) -> None:
    """Refuse a file said to be ``size`` bytes (a chat's document) before fetching it."""
    if size > max_bytes:
        raise LedgerError(
            N_("{path} is {size} MB, more than the {limit} MB an import may be"),
            path=name,
            size=_megabytes(size),
            limit=_megabytes(max_bytes),
        )


def check_size(path: Path, *, max_bytes: int) -> None:
    """Refuse a file larger than ``max_bytes`` before reading any of it."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # missing or unreadable: the reader says which, in the user's words
    if path.is_file():
        check_declared_size(path.name, size, max_bytes=max_bytes)


def _read(
    path: Path,
    *,
    calendar: WorkCalendar,
    now: datetime,
    zone: ZoneInfo,
    year: int | None,
    title: str | None,
    max_bytes: int,
) -> ParsedPlan:
    check_size(path, max_bytes=max_bytes)
    today = now.astimezone(zone).date()
    parsed = read_document(path, today=today, year=year, title=title, calendar=calendar)
    if not parsed.tasks:
        raise LedgerError(NO_TASK, path=path.name)
    return parsed


def import_document(
    path: Path,
    *,
    database_url: str,
    now: datetime,
    zone: ZoneInfo,
    year: int | None = None,
    title: str | None = None,
    dry_run: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportResult:
    """Read ``path`` and, unless ``dry_run``, apply it to the ledger at ``database_url``.

    A dry run touches no database beyond reading the admin's 调休 days, if it exists.
    LedgerError (and no change) for a file too large, unreadable, or holding no task.
    """
    if dry_run:
        # The admin's 调休 days, when the ledger exists already: 3个工作日内 counts them.
        calendar = WorkCalendar(stored_calendar_days(database_url) or ())
        parsed = _read(
            path,
            calendar=calendar,
            now=now,
            zone=zone,
            year=year,
            title=title,
            max_bytes=max_bytes,
        )
        return ImportResult(parsed, None)
    with ledger_engine(database_url) as engine, session_scope(engine) as session:
        return import_file(
            session, path, now=now, zone=zone, year=year, title=title, max_bytes=max_bytes
        )


def import_file(
    session: Session,
    path: Path,
    *,
    now: datetime,
    zone: ZoneInfo,
    year: int | None = None,
    title: str | None = None,
    dry_run: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    importer_id: int | None = None,
) -> ImportResult:
    """Read ``path`` and apply it inside ``session``'s transaction; the bot's import.

    A dry run is a rehearsal: the plan is applied, what changed is noted, and the session is
    rolled back, so give it a session of its own. ``importer_id``, the person importing:
    their questions are about this plan from now on. LedgerError (and no change) as above.
    """
    parsed = _read(
        path,
        calendar=WorkCalendar(calendar_days(session)),
        now=now,
        zone=zone,
        year=year,
        title=title,
        max_bytes=max_bytes,
    )
    report = apply_plan(session, parsed, now=now)
    if dry_run:
        session.rollback()
        return ImportResult(parsed, None, rehearsal=report)
    if importer_id is not None:
        importer = session.get(Person, importer_id)
        if importer is not None:
            importer.plan_id = report.plan_id
            session.add(importer)
    return ImportResult(parsed, report)
