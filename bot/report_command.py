"""`python -m bot report weekly [--week YYYY-Www] [--plan ID|YEAR] [--docx FILE] [--today D]`.

Prints the week's 情况通报 (ledger.bulletin) in the office's language: this week's unless
``--week`` names another, over the current plans unless ``--plan`` names a year's or one plan;
``--docx`` also writes it as a Word document.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, time
from typing import TextIO

from bot.cli import _plans_named  # the one reading of --plan ID|YEAR
from bot.settings import Settings
from ledger.bulletin import bulletin_data, week_period, weekly_bulletin
from models.db import ledger_engine, session_scope
from models.plans import current_plan_ids
from nlu.i18n import Translate


def cmd_report(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
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
