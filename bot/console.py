"""`python -m bot console`: the real Application in a terminal, through the fake Bot API.

Each typed line is a message from one person (a fake Telegram account bound to them in the
console's database, if they have none); the bot's messages print with their buttons numbered,
and `/press N` presses one; `/import FILE` sends a file from this computer as a document (the
clerk's task list). The console is the clerk's sandbox: what works here ships.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import warnings
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.app import build_application, offline, run_sweep, run_weekly, services_of
from bot.fakegram import (
    JSON,
    Call,
    FakeBotAPI,
    FakeRequest,
    FakeTelegram,
    html_to_text,
    user,
)
from bot.settings import Settings
from models.db import session_scope
from models.people import console_user_id
from models.queries import person_named
from nlu.i18n import Translate
from scheduler.weekly import WEEKLY_AT

PRESS = "/press"
TICK = "/tick"
AS = "/as"
IMPORT = "/import"
QUIT = ("/quit", "/exit")
SWEEP_TIME = time(9, 0)  # /tick with a day only: the start of office hours


@dataclass
class ConsoleClock:
    """The console's clock: real time, or the moment given (--today, /tick)."""

    fixed: datetime | None = None

    def __call__(self) -> datetime:
        return self.fixed or datetime.now(UTC)


@dataclass
class Console:
    """One person at the keyboard; remembers the buttons last shown, numbered from 1."""

    telegram: FakeTelegram
    sender: JSON
    out: TextIO
    translate: Translate
    clock: ConsoleClock = field(default_factory=ConsoleClock)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    buttons: list[tuple[JSON, JSON]] = field(default_factory=list)  # (message, button)
    weekly: tuple[int, time] = (0, WEEKLY_AT)  # the weekly digest's weekday and time
    saved: Path | None = None  # where files the bot sends are written (a new temporary folder)

    async def say(self, line: str) -> None:
        """One exchange: a typed line (or /press N) and what the bot answered."""
        line = line.strip()
        if not line:
            return
        if line.split()[0] == PRESS:
            await self._press(line.split()[1:])
            return
        if line.split()[0] == TICK:
            await self._tick(line.split()[1:])
            return
        if line.split()[0] == AS:
            self._become(" ".join(line.split()[1:]))
            return
        if line.split()[0] == IMPORT:
            await self._send_file(line.removeprefix(IMPORT).strip())
            return
        self.show(await self.telegram.send(self.sender, line))

    async def _press(self, args: list[str]) -> None:
        _ = self.translate
        if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= len(self.buttons):
            if self.buttons:
                hint = _("Press a button by its number: /press 1 to /press {count}.")
                self.out.write(f"  ({hint.format(count=len(self.buttons))})\n")
            else:
                nothing = _("There is no button to press.")
                self.out.write(f"  ({nothing})\n")
            return
        message, button = self.buttons[int(args[0]) - 1]
        current = self.telegram.api.messages[(message["chat"]["id"], message["message_id"])]
        self.show(await self.telegram.forge(self.sender, current, button["callback_data"]))

    def _become(self, name: str) -> None:
        """/as NAME: type as someone else from now on (the lead leader, to approve)."""
        _ = self.translate
        if not name:
            self.out.write("  (" + _("Usage: /as NAME, e.g. /as 陈汉平") + ")\n")
            return
        svc = services_of(self.telegram.application)
        with session_scope(svc.engine) as session:
            person = person_named(session, name=name)
            telegram_id = console_user_id(session, name=name)
            language = (person.language if person else None) or svc.default_language
        code = "en" if language == "en" else "zh-hans"
        self.sender = user(telegram_id, name, language_code=code)
        known = _("in the ledger") if person else _("not in the ledger")
        self.out.write(
            "  (" + _("You are now {name} ({known}).").format(name=name, known=known) + ")\n"
        )
        self.out.flush()

    async def _send_file(self, name: str) -> None:
        """/import FILE: the file at FILE, sent as a document by whoever is typing."""
        _ = self.translate
        if not name:
            usage = _("Usage: /import FILE, e.g. /import examples/2026_重点工作任务示例.txt")
            self.out.write(f"  ({usage})\n")
            return
        path = Path(name).expanduser()
        try:
            content = path.read_bytes()
        except OSError:
            self.out.write("  (" + _("No such file: {path}").format(path=name) + ")\n")
            return
        self.show(await self.telegram.send_document(self.sender, content, file_name=path.name))

    async def _tick(self, args: list[str]) -> None:
        """/tick [YYYY-MM-DD [HH:MM]]: run the reminder sweep at that moment (default: now),
        after the weekly digests when it is at or past their time on their day."""
        _ = self.translate
        try:
            day = date.fromisoformat(args[0]) if args else None
            moment = time.fromisoformat(args[1]) if len(args) > 1 else SWEEP_TIME
        except ValueError:
            usage = _("Usage: /tick [YYYY-MM-DD [HH:MM]], e.g. /tick 2025-12-22 09:00")
            self.out.write(f"  ({usage})\n")
            return
        if day is not None:
            self.clock.fixed = datetime.combine(day, moment, self.zone).astimezone(UTC)
        start = len(self.telegram.api.calls)
        weekday, at = self.weekly
        weekly = await run_weekly(self.telegram.application, weekday=weekday, at=at)
        report = await run_sweep(self.telegram.application)
        calls = self.telegram.api.calls[start:]
        when = self.clock().astimezone(self.zone).strftime("%Y-%m-%d %H:%M")
        if not calls:
            nothing = _("{time}: nothing to send.").format(time=when)
            self.out.write(f"  ({nothing})\n")
        else:
            self.show(calls)
        if weekly.skipped or report.skipped:
            skipped = _("Also due, but not on Telegram yet: {names}").format(
                names="、".join(dict.fromkeys([*weekly.skipped, *report.skipped]))
            )
            self.out.write(f"  ({skipped})\n")
        self.out.flush()

    def show(self, calls: list[Call]) -> None:
        """Print what the bot did: messages, edits, notices, and anything Telegram refused."""
        numbered: list[tuple[JSON, JSON]] = []
        for call in calls:
            if call.error is not None:
                self.out.write(f"  !! {call.method}: {call.error}\n")
            elif call.method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
                message = self.telegram.message(call)
                mark = "✎ " if call.method != "sendMessage" else ""
                text = html_to_text(call.text) if call.method != "editMessageReplyMarkup" else ""
                self.out.write("\n".join(f"  {mark}{line}" for line in text.splitlines()) + "\n")
                row = []
                for button in call.buttons:
                    numbered.append((message, button))
                    row.append(f"[{len(numbered)}] {button['text']}")
                if row:
                    self.out.write("  " + "   ".join(row) + "\n")
            elif call.upload is not None:
                self._save(call)
            elif call.method == "answerCallbackQuery" and call.params.get("text"):
                self.out.write(f"  ({call.params['text']})\n")
        if numbered:
            self.buttons = numbered
        self.out.flush()

    def _save(self, call: Call) -> None:
        """A file the bot sent: written to the console's folder, its path and caption shown."""
        upload = call.upload
        assert upload is not None
        if self.saved is None:
            self.saved = Path(tempfile.mkdtemp(prefix="duban-console-"))
        path = self.saved / Path(upload.file_name).name
        path.write_bytes(upload.content)
        size = f"{max(1, len(upload.content) // 1024)} KB"
        self.out.write(f"  📎 {path} ({size})\n")
        caption = html_to_text(str(call.params.get("caption", "")))
        self.out.write("".join(f"  {line}\n" for line in caption.splitlines()))


def hint(_: Translate) -> str:
    return _(
        "Try: 我的待办, 第1项, 本月到期, 逾期的, 科普大篷车那个任务, /help. "
        "/press N presses button N; /as NAME types as someone else; /tick 2025-12-22 sends "
        "that day's reminders; /import FILE sends a file (as 周婷, the clerk, a task list to "
        "import); /quit ends."
    )


async def _lines(
    read: Callable[[], str], prompt: Callable[[], str], out: TextIO
) -> AsyncIterator[str]:
    while True:
        out.write(prompt())
        out.flush()
        line = await asyncio.to_thread(read)
        if not line:  # end of input
            out.write("\n")
            return
        yield line


async def run_console(
    settings: Settings,
    *,
    as_name: str,
    now: Callable[[], datetime] | None,
    say: str | None = None,
    read: Callable[[], str] | None = None,
    out: TextIO = sys.stdout,
    interactive: bool = False,
    _: Translate,
) -> int:
    """Talk to the bot as ``as_name``; one exchange with ``say``, else until end of input.

    Lines come from ``read`` (default: standard input). ``interactive`` prompts before each
    line; otherwise each line read is echoed instead, so a transcript reads well.
    """
    # The console runs no JobQueue, so an idle report does not time out here (PTB says so).
    warnings.filterwarnings("ignore", message="Ignoring `conversation_timeout`")
    api = FakeBotAPI(username="duban_console_bot")
    clock = ConsoleClock(now() if now is not None else None)
    application = build_application(settings, request=FakeRequest(api), now=clock)
    async with offline(application):
        svc = services_of(application)
        with session_scope(svc.engine) as session:
            telegram_id = console_user_id(session, name=as_name)
            person = person_named(session, name=as_name)
            language = (person.language if person else None) or settings.default_language
        sender = user(telegram_id, as_name, language_code="en" if language == "en" else "zh-hans")
        console = Console(
            FakeTelegram(application, api),
            sender,
            out,
            _,
            clock,
            settings.zone,
            weekly=settings.weekly_digest,
        )
        if say is not None:
            await console.say(say)
            return 0
        known = _("in the ledger") if person else _("not in the ledger")
        today = svc.today().isoformat()
        out.write(
            _("Console: you are {name} ({known}); today is {today}.").format(
                name=as_name, known=known, today=today
            )
            + "\n"
            + hint(_)
            + "\n"
        )

        def prompt() -> str:  # who is typing: /as changes it
            return f"{console.sender['first_name']}> "

        lines = _lines(read or sys.stdin.readline, prompt if interactive else lambda: "", out)
        async for line in lines:
            if line.strip() in QUIT:
                break
            if not interactive:  # a script or a pipe: show what was typed
                out.write(f"{prompt()}{line.strip()}\n")
            await console.say(line)
    return 0
