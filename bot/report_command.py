"""`python -m bot report weekly [--week YYYY-Www] [--plan ID|YEAR] [--docx FILE] [--today D]`.

Prints the week's 情况通报 (ledger.bulletin) in the office's language: this week's unless
``--week`` names another, over the current plans unless ``--plan`` names a year's or one plan;
``--docx`` also writes it as a Word document.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TextIO

from bot.settings import Settings
from ledger.bulletin import bulletin_data, parse_week, week_period, weekly_bulletin
from models.db import ledger_engine, session_scope
from models.plans import current_plan_ids
from nlu.i18n import Translate


def week_argument(_: Translate) -> Callable[[str], date]:
    """An argparse type for an ISO week (2025-W22): its Monday."""

    def parse(text: str) -> date:
        try:
            return parse_week(text)
        except ValueError:
            message = _("not a week (YYYY-Www, e.g. 2025-W22): {text}").format(text=text)
            raise argparse.ArgumentTypeError(message) from None

    return parse


def add_report_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    _: Translate,
    date_type: Callable[[str], date],
) -> None:
    """The `report` sub-command and its kinds, on the CLI's sub-parsers."""
    report = commands.add_parser("report", help=_("the office's 情况通报"))
    kinds = report.add_subparsers(dest="report_command", required=True, metavar="KIND")
    weekly = kinds.add_parser("weekly", help=_("a week's bulletin: totals, departments, watch"))
    weekly.add_argument(
        "--week", type=week_argument(_), metavar="YYYY-Www", help=_("the week (default: this one)")
    )
    weekly.add_argument(
        "--plan",
        type=int,
        metavar="ID|YEAR",
        help=_("only tasks of this plan: a year's plans, or the plan with this id"),
    )
    weekly.add_argument("--docx", type=Path, metavar="FILE", help=_("also write it as .docx"))
    weekly.add_argument(
        "--today", type=date_type, help=_("today's date (YYYY-MM-DD): as of its end")
    )


def cmd_report(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    from bot.cli import _plans_named  # the one reading of --plan ID|YEAR

    zone = settings.zone
    now = datetime.now(UTC)
    if args.today:  # as the day ends in the office's zone
        now = datetime.combine(args.today, time.max, zone)
    today = now.astimezone(zone).date()
    week = week_period(args.week or today, now=now, zone=zone)
    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        plans = (
            _plans_named(session, args.plan)
            if args.plan is not None
            else current_plan_ids(session, today=today)
        )
        data = bulletin_data(session, week=week, plans=plans, lights=settings.lights)
    bulletin = weekly_bulletin(data, week=week, _=_)
    out.write(bulletin.text() + "\n")
    if args.docx is not None:
        try:
            args.docx.write_bytes(bulletin.docx())
        except OSError as error:
            message = _("cannot write {path}: {reason}").format(
                path=args.docx, reason=error.strerror or error
            )
            sys.stderr.write(_("error: {message}").format(message=message) + "\n")
            return 2
        out.write(_("written to {path}").format(path=args.docx) + "\n")
    return 0
