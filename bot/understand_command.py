"""`python -m bot understand TEXT --as NAME [--today DATE] [--json]` and `understand --batch`.

What the bot makes of a message from someone in the ledger, without sending anything:
{"intent", "task", "candidates", "quantity", "due"}. ``--batch`` reads JSON lines
{"text", "as", "today"} on standard input and writes one result line for each, in order; a
line that cannot be read gets {"error": …} and the rest go on.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import Any, TextIO

from sqlmodel import Session

from bot.settings import Settings
from ledger.understanding import understand_message
from models.db import ledger_engine, session_scope
from models.plans import plans_in_scope
from models.queries import person_named
from nlu.i18n import Translate


def _one(session: Session, text: str, name: str, today: date, _: Translate) -> dict[str, Any]:
    person = person_named(session, name=name)
    if person is None:
        return {"error": _("{name} is not in the ledger.").format(name=name)}
    # The plans the person's chat questions are about (their chosen plan, else the current ones).
    plans = plans_in_scope(session, person=person, today=today)
    return understand_message(session, person=person, text=text, today=today, plans=plans).as_json()


def cmd_understand(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    default_today = args.today or datetime.now(settings.zone).date()
    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        if args.batch:
            for line in sys.stdin:
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    today = (
                        date.fromisoformat(item["today"]) if item.get("today") else default_today
                    )
                    result = _one(session, str(item["text"]), str(item["as"]), today, _)
                except (ValueError, KeyError, TypeError) as error:
                    result = {"error": str(error)}
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
            return 0
        if args.text is None or args.as_name is None:
            sys.stderr.write(_("understand: give a TEXT and --as NAME, or --batch") + "\n")
            return 2
        result = _one(session, args.text, args.as_name, default_today, _)
        session.rollback()
    if "error" in result:
        sys.stderr.write(result["error"] + "\n")
        return 2
    if args.json:
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        return 0
    for key, value in result.items():
        out.write(f"{key}: {json.dumps(value, ensure_ascii=False)}\n")
    return 0
