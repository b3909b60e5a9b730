"""`python -m bot …`: the command line. Thin: parse arguments, call the layers below, print."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from bot.settings import PROJECT_ROOT, Settings
from ledger.draft import LedgerError
from models.db import current_revision, make_engine, session_scope, upgrade
from models.queries import TaskView, list_tasks
from nlu.deadline import parse_deadline
from nlu.i18n import Translate, translator

DEMO_DOCUMENT = PROJECT_ROOT / "examples" / "004_e60f2dc0b4861f44.txt"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def build_parser(_: Translate) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description=_("督办助手 (duban): the task ledger and its bot")
    )
    parser.add_argument("--db", metavar="URL", help=_("database URL (default: DATABASE_URL)"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help=_("start the bot (console demo without a token)"))
    run.add_argument("--webhook", metavar="URL", help=_("serve a webhook at URL"))

    db = commands.add_parser("db", help=_("database schema"))
    db.add_argument("action", choices=["upgrade", "current"])

    parse_date = commands.add_parser("parse-date", help=_("read a deadline phrase"))
    parse_date.add_argument("text", nargs="?", help=_("the phrase, e.g. 6月底前"))
    parse_date.add_argument("--today", type=_date, help=_("today's date (YYYY-MM-DD)"))
    parse_date.add_argument("--year", type=int, help=_("the document's year"))
    parse_date.add_argument("--json", action="store_true", help=_("print JSON"))
    parse_date.add_argument(
        "--batch", action="store_true", help=_('read JSON lines {"text", "today"} on stdin')
    )

    imp = commands.add_parser("import", help=_("import a task list into the ledger"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help=_("read only; change nothing"))
    imp.add_argument("--json", action="store_true", help=_("print JSON"))
    imp.add_argument("--year", type=int, help=_("the plan's year, if the document omits it"))
    imp.add_argument("--title", help=_("the plan's title, if the document omits it"))
    imp.add_argument("--today", type=_date, help=_("today's date (YYYY-MM-DD)"))

    tasks = commands.add_parser("tasks", help=_("list the ledger"))
    tasks.add_argument("--leader", help=_("only tasks this leader is responsible for"))
    tasks.add_argument("--department", help=_("only tasks of this department"))
    tasks.add_argument("--due-before", type=_date, help=_("only tasks due on or before DATE"))
    tasks.add_argument("--json", action="store_true", help=_("print JSON"))
    return parser


def _print_json(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _today(settings: Settings, given: date | None) -> date:
    return given or datetime.now(settings.zone).date()


def cmd_parse_date(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    if args.batch:
        for line in sys.stdin:
            if not line.strip():
                continue
            item = json.loads(line)
            today = date.fromisoformat(item["today"]) if item.get("today") else None
            deadline = parse_deadline(
                item["text"], today=_today(settings, today), year=item.get("year")
            )
            out.write(json.dumps(deadline.as_json(), ensure_ascii=False) + "\n")
        return 0
    if args.text is None:
        raise SystemExit("parse-date: give a TEXT or --batch")
    deadline = parse_deadline(args.text, today=_today(settings, args.today), year=args.year)
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
    if args.action == "upgrade":
        upgrade(engine)
    out.write(_("schema revision: {revision}").format(revision=current_revision(engine)) + "\n")
    return 0


def import_file(
    path: Path,
    settings: Settings,
    *,
    now: datetime,
    year: int | None = None,
    title: str | None = None,
    dry_run: bool = False,
) -> tuple[Any, Any]:
    """Read ``path`` and (unless ``dry_run``) apply it in one transaction: (parsed, report)."""
    from ledger.importer import read_document
    from ledger.store import apply_plan

    parsed = read_document(path, today=now.astimezone(settings.zone).date(), year=year, title=title)
    if dry_run:
        return parsed, None
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        report = apply_plan(session, parsed, now=now)
    return parsed, report


def cmd_import(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    now = datetime.now(UTC)
    if args.today:  # noon in the office's zone on the given day
        now = datetime.combine(args.today, time(12), settings.zone).astimezone(UTC)
    parsed, report = import_file(
        args.file, settings, now=now, year=args.year, title=args.title, dry_run=args.dry_run
    )
    if args.json:
        result = parsed.as_json(_)
        if report is not None:
            result["changes"] = report.as_json()
        _print_json(result, out)
        return 0
    year = parsed.year if parsed.year is not None else "—"
    out.write(
        _("{title} ({year}): {count} tasks read from {source}").format(
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
                    task=change.task, fields=", ".join(change.fields)
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


def cmd_tasks(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        views = list_tasks(
            session, leader=args.leader, department=args.department, due_before=args.due_before
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
    out.write(_("{count} tasks").format(count=len(views)) + "\n")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    if settings.telegram_bot_token is None:
        demo = settings.model_copy(
            update={"database_url": f"sqlite:///{PROJECT_ROOT / 'data' / 'demo.sqlite'}"}
        )
        import_file(DEMO_DOCUMENT, demo, now=datetime.now(UTC))
        out.write(
            _("No TELEGRAM_BOT_TOKEN is set: the demo ledger is in {url}.").format(
                url=demo.database_url
            )
            + "\n"
        )
        return cmd_tasks(
            argparse.Namespace(leader=None, department=None, due_before=None, json=False),
            demo,
            out,
            _,
        )
    raise SystemExit(_("the Telegram bot itself is not built yet; see the README"))


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    settings = Settings()
    _ = translator(settings.default_language)
    args = build_parser(_).parse_args(argv)
    if args.db:
        settings = settings.model_copy(update={"database_url": args.db})
    try:
        if args.command == "parse-date":
            return cmd_parse_date(args, settings, out)
        handler = {"db": cmd_db, "import": cmd_import, "tasks": cmd_tasks, "run": cmd_run}
        return handler[args.command](args, settings, out, _)
    except LedgerError as error:
        sys.stderr.write(_("error: {message}").format(message=error.render(_)) + "\n")
        return 2
