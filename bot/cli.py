"""`python -m bot …`: the command line. Thin: parse arguments, call the layers below, print.

A command's code, and the layers it uses, are imported when it runs (see ``_command``): a
quick command such as `parse-date` then starts without SQLAlchemy, alembic, openpyxl or the
bot, whose imports take far longer than its own work.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from bot.arguments import build_parser
from bot.settings import PROJECT_ROOT, Settings
from ledger.draft import LedgerError
from models.db import (
    current_revision,
    ledger_engine,
    make_engine,
    nothing_stored_at,
    session_scope,
    upgrade,
)
from nlu.i18n import N_, Translate, translator

if TYPE_CHECKING:
    from sqlmodel import Session

    from ledger.importing import ImportResult
    from models.queries import TaskView

Handler = Callable[[argparse.Namespace, Settings, TextIO, Translate], int]

DEMO_DOCUMENT = PROJECT_ROOT / "examples" / "004_e60f2dc0b4861f44.txt"


def _print_json(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _today(settings: Settings, given: date | None) -> date:
    return given or datetime.now(settings.zone).date()


def cmd_parse_date(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    from nlu.calendar import WorkCalendar
    from nlu.deadline import parse_deadline

    # Working days as the database has them, if there is one; parse-date never creates one,
    # and without one it does not import SQLAlchemy to learn that it holds nothing.
    days = None
    if not nothing_stored_at(settings.database_url):
        from models.calendar_days import stored_calendar_days

        days = stored_calendar_days(settings.database_url)
    calendar = WorkCalendar(days or ())
    if args.batch:
        for line in sys.stdin:
            if not line.strip():
                continue
            item = json.loads(line)
            today = date.fromisoformat(item["today"]) if item.get("today") else None
            deadline = parse_deadline(
                item["text"],
                today=_today(settings, today),
                year=item.get("year"),
                calendar=calendar,
            )
            out.write(json.dumps(deadline.as_json(), ensure_ascii=False) + "\n")
        return 0
    if args.text is None:
        raise SystemExit(_("parse-date: give a TEXT or --batch"))
    deadline = parse_deadline(
        args.text, today=_today(settings, args.today), year=args.year, calendar=calendar
    )
    if args.json:
        _print_json(deadline.as_json(), out)
    else:
        values = deadline.as_json()
        out.write(
            "  ".join(f"{key}={values[key]}" for key in ("due", "kind", "recurrence", "start"))
        )
        out.write("\n")
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    engine = make_engine(settings.database_url)
    try:
        if args.action == "upgrade":
            upgrade(engine)
        revision = current_revision(engine)
    finally:
        engine.dispose()
    out.write(_("schema revision: {revision}").format(revision=revision) + "\n")
    return 0


def _import(
    path: Path,
    settings: Settings,
    *,
    now: datetime,
    year: int | None = None,
    title: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """The import use-case with this installation's database and limits."""
    from ledger.importing import import_document

    return import_document(
        path,
        database_url=settings.database_url,
        now=now,
        zone=settings.zone,
        year=year,
        title=title,
        dry_run=dry_run,
        max_bytes=settings.import_max_mb * 1024 * 1024,
    )


def cmd_import(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    from ledger.render import FIELD_NAMES

    now = datetime.now(UTC)
    if args.today:  # noon in the office's zone on the given day
        now = datetime.combine(args.today, time(12), settings.zone).astimezone(UTC)
    imported = _import(
        args.file, settings, now=now, year=args.year, title=args.title, dry_run=args.dry_run
    )
    parsed, report = imported.parsed, imported.report
    if args.json:
        result = parsed.as_json(_)
        if report is not None:
            result["changes"] = report.as_json()
        _print_json(result, out)
        return 0
    year = parsed.year if parsed.year is not None else "—"
    summary = (
        _("{title} ({year}): 1 task read from {source}")
        if len(parsed.tasks) == 1
        else _("{title} ({year}): {count} tasks read from {source}")
    )
    out.write(
        summary.format(
            title=parsed.title, year=year, count=len(parsed.tasks), source=parsed.source_name
        )
        + "\n"
    )
    for notice in parsed.warnings:
        out.write(_("warning: {message}").format(message=notice.render(_)) + "\n")
    if report is None:
        out.write(_("dry run: nothing was written") + "\n")
    elif not report.changed_anything:
        out.write(_("nothing changed: the ledger already holds this document") + "\n")
    else:
        out.write(
            _(
                "imported: {added} added, {changed} changed, {removed} cancelled, {same} unchanged"
            ).format(
                added=len(report.added),
                changed=len(report.changed),
                removed=len(report.removed),
                same=report.unchanged,
            )
            + "\n"
        )
        for change in report.changed:
            out.write(
                _("  task {task}: {fields}").format(
                    task=change.task if isinstance(change.task, str) else change.task.render(_),
                    fields=_(", ").join(_(FIELD_NAMES[key]) for key in change.fields),
                )
                + "\n"
            )
    return 0


def task_json(view: TaskView) -> dict[str, Any]:
    task = view.task
    return {
        "id": task.id,
        "plan": view.plan_title,
        "number": task.number,
        "category": task.category,
        "focus": task.focus,
        "content": task.content,
        "measures": task.measures,
        "lead_departments": view.lead_departments,
        "responsible": view.responsible,
        "leaders": view.leaders,
        "due": task.due.isoformat() if task.due else None,
        "due_text": task.due_text,
        "kind": task.due_kind,
        "recurrence": task.recurrence,
        "status": task.status,
        "targets": [
            {
                "text": t.text,
                "metric": t.metric,
                "value": t.value,
                "unit": t.unit,
                "achieved": t.achieved,
            }
            for t in view.targets
        ],
    }


def _short(text: str, width: int = 36) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _plans_named(session: Session, number: int) -> list[int]:
    """--plan N: the plans of year N if there are any, else the plan whose id is N."""
    from models.plans import plan_by_id, plans_of_year

    found = plans_of_year(session, year=number)
    if not found and plan_by_id(session, plan_id=number) is not None:
        found = [number]
    if not found:
        raise LedgerError(N_("no plan has the year or the id {plan}"), plan=number)
    return found


def cmd_tasks(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    from models.queries import list_tasks

    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        plans = _plans_named(session, args.plan) if args.plan is not None else None
        views = list_tasks(
            session,
            leader=args.leader,
            department=args.department,
            due_before=args.due_before,
            plans=plans,
        )
    if args.json:
        _print_json([task_json(view) for view in views], out)
        return 0
    if not views:
        out.write(_("no tasks match") + "\n")
        return 0
    for view in views:
        task = view.task
        due = task.due.isoformat() if task.due else (task.due_text or _("no deadline"))
        out.write(
            f"{task.number or '—':>6}  {due:<10}  {'、'.join(view.leaders) or '—':<12}  "
            f"{'、'.join(view.lead_departments) or '—':<12}  {_short(task.content)}\n"
        )
    total = _("1 task") if len(views) == 1 else _("{count} tasks")
    out.write(total.format(count=len(views)) + "\n")
    return 0


DEMO_DATABASE = f"sqlite:///{PROJECT_ROOT / 'data' / 'demo.sqlite'}"
# The demo ledger is a 2025 plan: unless --today says otherwise, the demo lives in late May
# 2025, when some tasks fall due this week, one is overdue and most are still ahead.
DEMO_TODAY = date(2025, 5, 26)


def _clock(settings: Settings, today: date | None) -> Callable[[], datetime] | None:
    """A fixed clock at noon on ``today`` in the office's zone, or None for the real one."""
    if today is None:
        return None
    fixed = datetime.combine(today, time(12), settings.zone).astimezone(UTC)
    return lambda: fixed


def _start_afresh(url: str) -> None:
    """Remove the SQLite database at ``url`` (the demo's) with its journal files."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database:
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)


def _add_demo_people(settings: Settings, *, now: datetime) -> None:
    from ledger.demo import add_demo_people
    from models.people import console_user_id
    from models.queries import people_by_name

    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        add_demo_people(session, now=now)
        # Everyone on the demo's fake Telegram: a review request reaches the lead leader, and
        # /as 陈汉平 sees it there.
        for name in people_by_name(session):
            console_user_id(session, name=name)


def cmd_console(
    args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate, *, demo: bool
) -> int:
    """The bot in this terminal; on the demo ledger unless a database is given."""
    from bot.console import run_console

    today = args.today
    if demo:
        today = today or DEMO_TODAY
        settings = settings.model_copy(update={"database_url": DEMO_DATABASE})
        _start_afresh(DEMO_DATABASE)  # a sandbox: what the last demo sent is not remembered
        moment = datetime.combine(today, time(12), settings.zone)
        _import(DEMO_DOCUMENT, settings, now=moment)
        _add_demo_people(settings, now=moment)
        out.write(
            _("No TELEGRAM_BOT_TOKEN is set: the demo ledger is in {url}.").format(
                url=settings.database_url
            )
            + "\n"
        )
    interactive = args.say is None and sys.stdin.isatty()
    import asyncio  # only the commands that talk to Telegram load it (~0.1 s)

    return asyncio.run(
        run_console(
            settings,
            as_name=args.as_name,
            now=_clock(settings, today),
            say=args.say,
            out=out,
            interactive=interactive,
            _=_,
        )
    )


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request's URL, and a Bot API URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for chatty in ("apscheduler", "alembic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    """Long polling (or a webhook) with a token; the console on the demo ledger without one."""
    if settings.telegram_bot_token is None:
        args.say = None
        return cmd_console(args, settings, out, _, demo=True)
    from telegram import Update

    from bot.app import build_application

    _configure_logging()
    application = build_application(settings, long_running=True)
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)
    if args.webhook:
        token = settings.telegram_bot_token.get_secret_value()
        application.run_webhook(
            listen=args.listen,
            port=args.port,
            url_path=urlsplit(args.webhook).path.lstrip("/"),
            webhook_url=args.webhook,
            # Telegram echoes this header, so forged posts to the webhook are refused.
            secret_token=hashlib.sha256(token.encode()).hexdigest()[:32],
            allowed_updates=Update.ALL_TYPES,
            stop_signals=stop_signals,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=stop_signals)
    return 0


async def _bot_username(settings: Settings) -> str:
    from telegram import Bot

    from bot.app import bot_api_urls

    assert settings.telegram_bot_token is not None
    base_url, base_file_url = bot_api_urls(settings)
    token = settings.telegram_bot_token.get_secret_value()
    async with Bot(token, base_url=base_url, base_file_url=base_file_url) as bot:
        return bot.username


def cmd_invite(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    from handlers.admin import invite_text
    from handlers.common import invite_link
    from models.people import create_invite, person_for_invite

    now = datetime.now(UTC)
    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        person, created = person_for_invite(
            session, name=args.name, now=now, department=args.department
        )
        code = create_invite(session, person=person, now=now, valid_for=timedelta(days=args.days))
        name = person.name
    username, note = args.bot_username, None
    if username is None and settings.telegram_bot_token is not None:
        import asyncio

        try:
            username = asyncio.run(_bot_username(settings))
        except Exception as error:  # the network or the token: the invitation stands anyway
            note = _("Could not ask Telegram for the bot's name ({error}).").format(
                error=type(error).__name__
            )
    if username is None:
        username = "YOUR_BOT"
        note = _(
            "{reason} Replace YOUR_BOT in the link with your bot's username "
            "(or pass --bot-username)."
        ).format(reason=note or _("No TELEGRAM_BOT_TOKEN is set."))
    valid_until = (now + timedelta(days=args.days)).astimezone(settings.zone)
    out.write(
        invite_text(
            name=name,
            link=invite_link(username, code),
            valid_until=valid_until.strftime("%Y-%m-%d %H:%M"),
            created=created,
            department=args.department,
            _=_,
        )
        + "\n"
    )
    if note:
        out.write(note + "\n")
    return 0


def cmd_admin(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    from models.people import add_admin

    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        person, created = add_admin(session, name=args.name, now=datetime.now(UTC))
        name, bound = person.name, person.telegram_user_id is not None
    message = _("{name} was added as an admin.") if created else _("{name} is now an admin.")
    out.write(message.format(name=name) + "\n")
    if not bound:
        out.write(
            _("To link their Telegram account: python -m bot invite {name}").format(name=name)
            + "\n"
        )
    return 0


def _command(name: str) -> Handler:
    """The function that runs the command ``name``; a command of its own module imports it now."""
    if name == "calendar":
        from bot.calendar_command import cmd_calendar

        return cmd_calendar
    if name == "reminders":
        from bot.reminders_command import cmd_reminders

        return cmd_reminders
    if name == "understand":
        from bot.understand_command import cmd_understand

        return cmd_understand
    if name == "report":
        from bot.report_command import cmd_report

        return cmd_report
    if name == "export":
        from bot.export_command import cmd_export

        return cmd_export
    here: dict[str, Handler] = {
        "parse-date": cmd_parse_date,
        "db": cmd_db,
        "import": cmd_import,
        "tasks": cmd_tasks,
        "run": cmd_run,
        "invite": cmd_invite,
        "admin": cmd_admin,
    }
    return here[name]


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    settings = Settings()
    _ = translator(settings.default_language)
    args = build_parser(_).parse_args(argv)
    if args.db:
        settings = settings.model_copy(update={"database_url": args.db})
    try:
        if args.command == "console":
            return cmd_console(args, settings, out, _, demo=args.db is None)
        return _command(args.command)(args, settings, out, _)
    except LedgerError as error:
        sys.stderr.write(_("error: {message}").format(message=error.render(_)) + "\n")
        return 2
