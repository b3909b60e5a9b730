"""The command line's grammar: every sub-command of `python -m bot` and its options.

Built from light modules only. bot.cli imports a command's code when that command runs, so that
`parse-date` does not wait for SQLAlchemy, openpyxl or the reminder engine; the grammar of
every command must still be known to print `--help` and to parse the line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

from nlu.i18n import Translate

DEMO_PERSON = "郑昌盛"  # who types in the console demo, unless --as says otherwise
EXPORT_FORMATS = ("xlsx", "csv")  # what ledger.export writes


def date_argument(_: Translate) -> Callable[[str], date]:
    """An argparse type for YYYY-MM-DD that complains in the user's language."""

    def parse(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            message = _("not a date (YYYY-MM-DD): {text}").format(text=text)
            raise argparse.ArgumentTypeError(message) from None

    return parse


def week_argument(_: Translate) -> Callable[[str], date]:
    """An argparse type for an ISO week (2025-W22): its Monday."""

    def parse(text: str) -> date:
        from ledger.bulletin import parse_week  # here: it brings the database layer

        try:
            return parse_week(text)
        except ValueError:
            message = _("not a week (YYYY-Www, e.g. 2025-W22): {text}").format(text=text)
            raise argparse.ArgumentTypeError(message) from None

    return parse


def build_parser(_: Translate) -> argparse.ArgumentParser:
    """The parser of `python -m bot`: every sub-command and its options, in ``_``'s language."""
    _date = date_argument(_)
    parser = argparse.ArgumentParser(
        prog="python -m bot", description=_("督办助手 (duban): the task ledger and its bot")
    )
    parser.add_argument("--db", metavar="URL", help=_("database URL (default: DATABASE_URL)"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help=_("start the bot (console demo without a token)"))
    run.add_argument("--webhook", metavar="URL", help=_("serve a webhook at URL"))
    run.add_argument("--listen", default="0.0.0.0", help=_("webhook: the address to listen on"))
    run.add_argument("--port", type=int, default=8443, help=_("webhook: the port to listen on"))
    _console_arguments(run, _)  # for the console demo, when there is no token

    console = commands.add_parser(
        "console", help=_("talk to the bot in this terminal, through a fake Telegram")
    )
    _console_arguments(console, _)
    console.add_argument("--say", metavar="TEXT", help=_("one exchange, then exit"))
    console.add_argument(
        "--db", metavar="URL", default=argparse.SUPPRESS, help=_("database URL (default: demo)")
    )

    invite = commands.add_parser("invite", help=_("an invitation link for a person"))
    invite.add_argument("name", help=_("the person's name (added as staff if new)"))
    invite.add_argument("--department", help=_("their department"))
    invite.add_argument("--days", type=int, default=7, help=_("days the link stays valid"))
    invite.add_argument("--bot-username", help=_("the bot's username, if there is no token"))

    admin = commands.add_parser("admin", help=_("manage admins"))
    admin_commands = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    admin_add = admin_commands.add_parser("add", help=_("make a person an admin (督办员)"))
    admin_add.add_argument("name")

    add_calendar_parser(commands, _)
    add_reminders_parser(commands, _, _date)
    add_understand_parser(commands, _, _date)
    add_report_parser(commands, _, _date)
    add_export_parser(commands, _, _date)

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
    tasks.add_argument(
        "--due-before", type=_date, metavar="DATE", help=_("only tasks due on or before DATE")
    )
    tasks.add_argument(
        "--plan",
        type=int,
        metavar="ID|YEAR",
        help=_("only tasks of this plan: a year's plans, or the plan with this id"),
    )
    tasks.add_argument("--json", action="store_true", help=_("print JSON"))
    return parser


def _console_arguments(parser: argparse.ArgumentParser, _: Translate) -> None:
    parser.add_argument(
        "--as", dest="as_name", default=DEMO_PERSON, metavar="NAME", help=_("who is typing")
    )
    parser.add_argument("--today", type=date_argument(_), help=_("today's date (YYYY-MM-DD)"))


def add_calendar_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], _: Translate
) -> None:
    """The `calendar` sub-command and its actions (bot.calendar_command)."""
    calendar = commands.add_parser("calendar", help=_("working days: holidays and 调休"))
    actions = calendar.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")
    set_day = actions.add_parser("set", help=_("make a day a working day or a holiday"))
    set_day.add_argument("day", metavar="DATE", help=_("the day (YYYY-MM-DD)"))
    set_day.add_argument("kind", metavar="KIND", help=_("workday or holiday"))
    set_day.add_argument("--note", default="", help=_("why, e.g. 调休 or 春节"))
    unset_day = actions.add_parser("unset", help=_("give a day back to the built-in calendar"))
    unset_day.add_argument("day", metavar="DATE", help=_("the day (YYYY-MM-DD)"))
    show = actions.add_parser("show", help=_("a year's holidays and make-up working days"))
    show.add_argument("year", nargs="?", metavar="YEAR", help=_("the year (default: this year)"))


def add_reminders_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    _: Translate,
    date_type: Callable[[str], date],
) -> None:
    """The `reminders` sub-command and its actions (bot.reminders_command)."""
    reminders = commands.add_parser("reminders", help=_("the reminder engine: plan and log"))
    actions = reminders.add_subparsers(dest="reminders_command", required=True, metavar="ACTION")
    plan = actions.add_parser("plan", help=_("what would be sent over a span, sending nothing"))
    plan.add_argument("--from", dest="start", type=date_type, required=True, metavar="DATE")
    plan.add_argument("--to", dest="end", type=date_type, required=True, metavar="DATE")
    plan.add_argument("--json", action="store_true", help=_("print JSON"))
    log = actions.add_parser("log", help=_("what was sent, when, and the outcome"))
    log.add_argument("--person", metavar="NAME", help=_("only this person's"))


def add_understand_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    _: Translate,
    date_type: Callable[[str], date],
) -> None:
    """The `understand` sub-command (bot.understand_command)."""
    understand = commands.add_parser("understand", help=_("what the bot makes of a message"))
    understand.add_argument("text", nargs="?", help=_("the message, e.g. 第5项办完了"))
    understand.add_argument("--as", dest="as_name", metavar="NAME", help=_("who sends it"))
    understand.add_argument("--today", type=date_type, help=_("today's date (YYYY-MM-DD)"))
    understand.add_argument("--json", action="store_true", help=_("print JSON"))
    understand.add_argument(
        "--batch", action="store_true", help=_('read JSON lines {"text", "as", "today"} on stdin')
    )


def add_report_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    _: Translate,
    date_type: Callable[[str], date],
) -> None:
    """The `report` sub-command and its kinds (bot.report_command)."""
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


def add_export_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    _: Translate,
    date_type: Callable[[str], date],
) -> None:
    """The `export` sub-command (bot.export_command)."""
    parser = commands.add_parser("export", help=_("write the ledger to an Excel or CSV file"))
    parser.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        help=_("xlsx or csv (default: the file's extension, else xlsx)"),
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE", help=_("the file to write")
    )
    parser.add_argument(
        "--plan",
        type=int,
        metavar="ID|YEAR",
        help=_("only tasks of this plan: a year's plans, or the plan with this id"),
    )
    parser.add_argument("--today", type=date_type, help=_("today's date (YYYY-MM-DD)"))
