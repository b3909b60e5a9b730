"""The import use-case: read a task list and write it into the ledger in one transaction.

The command line, the console demo and the benchmarks all import through
``import_document``; the readers (``ledger.importer``) and the writer (``ledger.store``) stay
separate so either can be tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ledger.draft import N_, LedgerError
from ledger.importer import ParsedPlan, read_document
from ledger.store import ImportReport, apply_plan
from models.calendar_days import stored_calendar_days
from models.db import ledger_engine, session_scope
from nlu.calendar import WorkCalendar

# A task list is a few hundred kilobytes; anything far larger is the wrong file.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    """What was read, and what changed in the ledger (None for a dry run)."""

    parsed: ParsedPlan
    report: ImportReport | None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def check_size(path: Path, *, max_bytes: int) -> None:
    """Refuse a file larger than ``max_bytes`` before reading any of it."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # missing or unreadable: the reader says which, in the user's words
    if path.is_file() and size > max_bytes:
        raise LedgerError(
            N_("{path} is {size} MB, more than the {limit} MB an import may be"),
            path=path.name,
            size=_megabytes(size),
            limit=_megabytes(max_bytes),
        )


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

    LedgerError (and no change) for a file too large, unreadable, or holding no task.
    """
    check_size(path, max_bytes=max_bytes)
    # The admin's 调休 days, when the ledger exists already: 3个工作日内 counts them.
    calendar = WorkCalendar(stored_calendar_days(database_url) or ())
    today = now.astimezone(zone).date()
    parsed = read_document(path, today=today, year=year, title=title, calendar=calendar)
    if not parsed.tasks:
        raise LedgerError(N_("no task was found in {path}: nothing was imported"), path=path.name)
    if dry_run:
        return ImportResult(parsed, None)
    with ledger_engine(database_url) as engine, session_scope(engine) as session:
        report = apply_plan(session, parsed, now=now)
    return ImportResult(parsed, report)
