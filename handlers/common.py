"""What every handler shares: who is asking, their language, and how to answer within limits.

One message splitter (Telegram's 4096 characters), one keyboard builder (64 bytes of callback
data), one shape of paging data. Ledger text is escaped by ledger.render's esc, the one rule
for the chat and the digests alike.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session
from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes, filters

from ledger.lights import Lights
from ledger.render import plan_name
from models.access import sender_and_revision
from models.db import session_scope
from models.plans import scope as plan_scope
from models.revision import remember
from models.tables import Person, Role
from nlu.i18n import N_, Translate, language_for, translator

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

MESSAGE_LIMIT = 4096  # characters, counted in UTF-16 code units
CALLBACK_DATA_LIMIT = 64  # bytes
SERVICES_KEY = "duban"


@dataclass(frozen=True)
class Services:
    """What handlers need from the application; kept in ``bot_data`` by bot.app."""

    engine: Engine
    now: Callable[[], datetime]  # the clock: handlers never read the system's
    zone: ZoneInfo
    default_language: str
    admin_telegram_ids: frozenset[int] = frozenset()
    # 一键催办: remind a task's leaders now, on behalf of an admin (task id, admin's person id)
    # -> each leader's name and what became of the message. Wired by bot.app to the scheduler.
    nudge: Callable[[int, int], Awaitable[list[tuple[str, str]]]] | None = None
    reminder_hours: tuple[time, time] = (time(9, 0), time(18, 0))  # office hours, office time
    lights: Lights = field(default_factory=Lights)  # the office's 督办 lights (ledger.lights)

    def today(self) -> date:
        return self.now().astimezone(self.zone).date()


LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}

# 一键催办, on the task view for admins (handlers.admin answers it).
NUDGE_DATA = r"^ng:"
NUDGE_BUTTON = N_("Nudge now")
NUDGE_RESULTS = {
    "sent": N_("sent"),
    "already": N_("already nudged today"),
    "not_on_telegram": N_("not on Telegram yet"),
    "unreachable": N_("unreachable"),
    "failed": N_("could not be sent"),
}


def nudge_button(task_id: int, _: Translate) -> Button:
    """The task view's 一键催办 button."""
    return _(NUDGE_BUTTON), f"ng:{task_id}"


REPORT_BUTTON = N_("Report progress")


def report_button(task_id: int, _: Translate) -> Button:
    """报告进度 under a task or a digest: starts the report flow (handlers.reports)."""
    return _(REPORT_BUTTON), f"rp:t:{task_id}"


def invite_link(bot_username: str, code: str) -> str:
    """The deep link that opens a private chat with the bot and sends /start CODE."""
    return f"https://t.me/{bot_username}?start={code}"


ROLE_NAMES: dict[str, str] = {
    Role.admin: N_("office clerk (admin)"),
    Role.leader: N_("leader"),
    Role.staff: N_("staff"),
}


def role_name(role: str, _: Translate) -> str:
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def services(context: Context) -> Services:
    found = context.bot_data[SERVICES_KEY]
    assert isinstance(found, Services)
    return found


# --- who is asking --------------------------------------------------------------------------


@dataclass(frozen=True)
class Asker:
    """A person the bot knows, asking something, with their translator and the plans their
    questions are about (models.plans: their chosen plan, else the current ones), worked out
    once per update. ``plans`` None means every plan."""

    person: Person
    translate: Translate
    plans: tuple[int, ...] | None = None
    plan: str | None = None  # the plan they chose when it is not a current one: lists say it

    @property
    def id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    @property
    def is_admin(self) -> bool:
        return self.person.role == Role.admin

    @property
    def sees_others(self) -> bool:
        """Leaders and admins may ask about a department's or a leader's tasks."""
        return self.person.role in (Role.admin, Role.leader)


# An attribute of the update's CallbackContext (one per update, shared by every handler group):
# the sender as the first handler read them, so that an update costs one look-up, not one per
# group. Someone unknown is looked up again: /start may have just bound them.
_SENDER = "duban_sender"


def _bound(session: Session, update: Update, context: Context) -> Person | None:
    """The person this update's sender is bound to, active or not."""
    sender = update.effective_user
    if sender is None or sender.is_bot:
        return None
    known = getattr(context, _SENDER, None)
    if isinstance(known, tuple) and known[0] == sender.id and isinstance(known[1], Person):
        remember(session, known[2])
        return known[1]
    person, revision = sender_and_revision(session, telegram_user_id=sender.id)
    if person is not None and revision is not None:
        setattr(context, _SENDER, (sender.id, person, revision))
    return person


def identify(session: Session, update: Update, context: Context) -> Asker | None:
    """The bound, active person behind this update, or None for someone the bot does not
    know. Someone who has left never gets this far (``turn_away_who_left``)."""
    svc = services(context)
    person = _bound(session, update, context)
    if person is None or not person.active:
        return None
    return Asker(
        person,
        translator(person.language or svc.default_language),
        *scope(session, person, svc.today()),
    )


def scope(session: Session, person: Person, today: date) -> tuple[tuple[int, ...], str | None]:
    """The plans ``person``'s questions are about on ``today``, and the name of the plan they
    chose when it is not a current one."""
    found = plan_scope(session, person=person, today=today)
    chosen = found.chosen
    return tuple(found.plans), plan_name(chosen.title, chosen.year) if chosen else None


NO_LONGER_ACTIVE = N_(
    "Your account is no longer active in the ledger. If this is a mistake, please tell the "
    "office clerk."
)


async def turn_away_who_left(update: Update, context: Context) -> None:
    """Runs before every handler: someone who has left (Person.active false) is told so,
    where the bot would have answered them, and nothing else happens."""
    svc = services(context)
    with session_scope(svc.engine) as session:
        person = _bound(session, update, context)
        if person is None or person.active:
            return
        _ = translator(person.language or svc.default_language)
    query = update.callback_query
    if query is not None:
        await query.answer(_(NO_LONGER_ACTIVE), show_alert=True)
    elif update.message is not None and (
        ADDRESSED_TO_ME.check_update(update) or filters.COMMAND.check_update(update)
    ):
        await reply(update, _(NO_LONGER_ACTIVE))
    raise ApplicationHandlerStop


def stranger_translator(update: Update, svc: Services) -> Translate:
    """The translator for someone not bound yet: their Telegram language, else the default."""
    code = update.effective_user.language_code if update.effective_user else None
    return translator(language_for(code, svc.default_language))


def stranger_reply(update: Update, svc: Services) -> str:
    """What someone not bound yet is told: how to join (briefly, in a group)."""
    _ = stranger_translator(update, svc)
    return not_bound_text(_) if is_private(update) else not_bound_short(_)


@dataclass(frozen=True)
class Reply:
    """What the bot answers: HTML text, and the buttons under it."""

    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Notice:
    """A button press answered on the button alone; the pressed message stays as it is."""

    text: str
    alert: bool = True  # a box to dismiss; False shows a passing toast


@dataclass(frozen=True)
class Send(Reply):
    """A button press answered with a new message below the pressed one, which stays."""


Respond = Callable[[Session, Asker, Services], Reply]
RespondToPress = Callable[[Session, Asker, Services], Reply | Notice]


async def answer(update: Update, context: Context, respond: Respond) -> None:
    """Answer a message for whoever sent it; someone unknown is told how to join.

    ``respond`` runs inside the one database session; the reply is sent once it is closed,
    so no session is held across the network.
    """
    said = decide(update, context, respond, lambda svc: Reply(stranger_reply(update, svc)))
    await reply(update, said.text, said.markup)


async def answer_press(update: Update, context: Context, respond: RespondToPress) -> None:
    """Answer a button press for whoever pressed it, as ``answer`` does a message.

    A Notice answers the query; a Reply answers it silently and replaces the pressed message;
    a Send answers it silently and sends a new message.
    """
    query = update.callback_query
    assert query is not None
    said = decide(
        update,
        context,
        respond,
        lambda svc: Notice(not_bound_short(stranger_translator(update, svc))),
    )
    if isinstance(said, Notice):
        await query.answer(said.text, show_alert=said.alert)
        return
    await query.answer()
    if isinstance(said, Send):
        await reply(update, said.text, said.markup)
        return
    await show(query, said.text, said.markup)


_Said = TypeVar("_Said")


def decide(
    update: Update,
    context: Context,
    respond: Callable[[Session, Asker, Services], _Said],
    stranger: Callable[[Services], _Said],
) -> _Said:
    """What ``respond`` says for the person behind ``update``, or ``stranger`` if unknown."""
    svc = services(context)
    with session_scope(svc.engine) as session:
        asker = identify(session, update, context)
        return respond(session, asker, svc) if asker is not None else stranger(svc)


def not_bound_text(_: Translate) -> str:
    return _(
        "Hello! I am the office's task-ledger assistant (督办助手): I keep the list of tasks and "
        "remind people of their deadlines.\n\n"
        "I don't know this Telegram account yet. To join, ask the office clerk (督办员) for an "
        "invitation link and open it: it links this account to your name in the ledger."
    )


def not_bound_short(_: Translate) -> str:
    """The same, short enough for a button's notice (200 characters)."""
    return _("I don't know this Telegram account yet. Ask the office clerk for an invitation link.")


def help_text(person: Person, _: Translate) -> str:
    """What this person can ask, by role."""
    lines = [
        _("What you can ask me, in plain Chinese or with a command:"),
        _("• 我的待办 or /todo: your open tasks, soonest deadline first"),
        _("• 本周到期, 本月到期, 下个月到期 or /due week, /due month, /due next"),
        _("• 逾期的 or /overdue: tasks past their deadline"),
        _("• 第12项 or /task 12: one task in full"),
        _("• 科普大篷车那个任务 or /search 大篷车: find tasks by topic"),
        _("• 谁负责第33项, 第3项什么时候到期, 第12项进展如何: a question about one task"),
        _("• 大篷车已经跑了25场, 第5项办完了, 第20项推迟到明年3月 or /report: report it"),
        _("• /plan: the plans by year; /plan 2024 shows that year's, /plan current comes back"),
        _("• 去年的第3项, 2024年的第3项: a task of another year's plan"),
        _("• 完成率多少, 各部室完成情况, 学会部进度怎么样 or /stats: the figures and a chart"),
    ]
    if person.role in (Role.admin, Role.leader):
        lines.append(_("• 学会部的任务, 郑昌盛的任务 or /dept 学会部, /leader 郑昌盛"))
        lines.append(_("• /unassigned: tasks without a leader, a lead or a deadline, to fill in"))
        lines.append(
            _("• /export, /export csv: the tasks you see as an Excel or CSV file (private chat)")
        )
    if person.role == Role.leader:
        lines.append(_("• 第3项改由学会部牵头: move a task between the departments you oversee"))
    if person.role == Role.admin:
        lines.append(_("• 第3项由李麟负责, 第3项牵头改为学会部, 第3项6月底前完成: change a task"))
        lines.append(_("• 新增任务：内容，某部门牵头，某人负责，9月底前: add a task"))
        lines.append(_("• 取消第3项，原因：…: cancel a task"))
        lines.append(_("• /invite NAME [department]: an invitation link for someone"))
        lines.append(_("• /nudge 12 or 一键催办 under a task: remind its leaders now"))
        lines.append(
            _("• /report_week [2025-W22] [docx]: the week's 情况通报, as text or a Word file")
        )
        lines.append(_("• /plan archive 3, /plan unarchive 3: archive plan [3] of /plan, or undo"))
        lines.append(
            _("• send me a task list (.docx, .xlsx, .csv, .txt): a preview, then the import")
        )
        lines.append(_("• /people: everyone, and invitation links for who has not joined"))
        lines.append(
            _(
                "• /person add NAME [leader|staff|admin] [department], /person rename OLD NEW, "
                "/person role NAME leader, /person dept NAME DEPARTMENT, /person activate NAME"
            )
        )
        lines.append(_("• /dept add NAME, /dept rename OLD NEW: the departments"))
        lines.append(
            _("• /oversee LEADER DEPARTMENT …: the departments a leader oversees; /oversee: all")
        )
        lines.append(_("• /leave NAME [SUCCESSOR]: someone has left; their tasks go on"))
    lines.append(_("• /lang: 中文 / English"))
    lines.append(_("In a group, mention me or use a command."))
    return "\n".join(lines)


def no_plan_of(year: int, _: Translate) -> str:
    """What 去年的第3项 gets when the ledger holds no plan of that year (plain text)."""
    return _("The ledger has no plan of {year}. /plan lists the plans it has.").format(year=year)


# --- text -----------------------------------------------------------------------------------


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _hard_split(line: str, limit: int) -> list[str]:
    """Cut one over-long line into pieces of at most ``limit``, never inside an &entity;."""
    pieces: list[str] = []
    start, units = 0, 0
    for index, char in enumerate(line):
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > limit:
            cut = index
            amp = line.rfind("&", max(start, cut - 10), cut)
            if amp > start and ";" not in line[amp:cut]:
                cut = amp  # the entity moves whole to the next piece
            pieces.append(line[start:cut])
            start, units = cut, _units(line[cut:index])
        units += width
    pieces.append(line[start:])
    return pieces


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into messages of at most ``limit`` characters, at line breaks.

    Markup must not span lines (our renderers keep each tag on one line), so every piece is
    valid HTML on its own. A single line longer than the limit is cut where it must be.
    """
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        for piece in _hard_split(line, limit):
            extra = _units(piece) + (1 if current else 0)
            if current and size + extra > limit:
                parts.append("\n".join(current))
                current, size = [], 0
                extra = _units(piece)
            current.append(piece)
            size += extra
    if current:
        parts.append("\n".join(current))
    return [part for part in parts if part.strip()] or [text[:limit]]


# --- buttons --------------------------------------------------------------------------------

Button = tuple[str, str]  # (label, callback data)


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Inline buttons from (label, data) rows; None when there are none. Data must fit 64 bytes."""
    built = []
    for row in rows:
        if not row:
            continue
        for _label, data in row:
            if not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data must be 1–64 bytes: {data!r}")
        built.append([InlineKeyboardButton(label, callback_data=data) for label, data in row])
    return InlineKeyboardMarkup(built) if built else None


@dataclass(frozen=True)
class PageRef:
    """What a ‹ › button asks for: a list, its argument, a page, and whom it was shown to.

    It grants nothing: the list is computed again for whoever presses, and ``owner`` (the
    person it was shown to) only lets a press by anyone else be refused.
    """

    kind: str
    arg: str
    page: int
    owner: int

    PREFIX = "pg"

    def data(self) -> str | None:
        """The callback data, or None when ``arg`` is too long for 64 bytes."""
        data = f"{self.PREFIX}:{self.kind}:{self.page}:{self.owner}:{self.arg}"
        return data if len(data.encode()) <= CALLBACK_DATA_LIMIT else None

    @classmethod
    def read(cls, data: str) -> PageRef | None:
        parts = data.split(":", 4)
        if len(parts) != 5 or parts[0] != cls.PREFIX:
            return None
        _, kind, page, owner, arg = parts
        if not (page.isdigit() and owner.isdigit()):
            return None
        return cls(kind, arg, int(page), int(owner))


def page_buttons(ref: PageRef, *, pages: int) -> list[Button]:
    """‹ and › around a page counter (the counter button does nothing)."""
    if pages <= 1:
        return []
    row: list[Button] = []
    for label, page in (("‹", ref.page - 1), ("›", ref.page + 1)):
        if 0 <= page < pages:
            data = PageRef(ref.kind, ref.arg, page, ref.owner).data()
            if data is not None:
                row.append((label, data))
    row.insert(1 if row and row[0][0] == "‹" else 0, (f"{ref.page + 1}/{pages}", NOOP))
    return row


NOOP = "noop"


# --- chats ----------------------------------------------------------------------------------


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


class _AddressedToMe(filters.MessageFilter):
    """A private message, or in a group one that @mentions the bot (commands are their own)."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        me = message.get_bot().username
        mentions = message.parse_entities([MessageEntity.MENTION]).values()
        return any(m.lstrip("@").lower() == (me or "").lower() for m in mentions)


ADDRESSED_TO_ME = _AddressedToMe(name="addressed_to_me")


def without_mention(message: Message) -> str:
    """The message's text with @botname taken out."""
    text = message.text or ""
    me = message.get_bot().username
    if me:
        for mention in message.parse_entities([MessageEntity.MENTION]).values():
            if mention.lstrip("@").lower() == me.lower():
                text = text.replace(mention, " ")
    return " ".join(text.split())


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer in the chat the update came from: split at the limit, buttons under the last part.

    In a group the first part quotes the question, so it is clear whom it answers.
    """
    message = update.effective_message
    assert message is not None
    parts = split_message(text)
    group = message.chat.type != Chat.PRIVATE
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.reply_text(
            part, reply_markup=markup if last else None, do_quote=group and index == 0
        )


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message's text and buttons (a page turn, a choice made)."""
    parts = split_message(text)
    try:
        await query.edit_message_text(parts[0], reply_markup=markup if len(parts) == 1 else None)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
        return  # the same page pressed twice: nothing to change
    if len(parts) > 1 and query.message is not None:
        for index, part in enumerate(parts[1:], start=1):
            last = index == len(parts) - 1
            await query.get_bot().send_message(
                query.message.chat.id, part, reply_markup=markup if last else None
            )


# --- errors ---------------------------------------------------------------------------------

SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side. Please try again later.")


async def on_error(update: object, context: Context) -> None:
    """Log a bug with its context and tell the person something went wrong; never swallow it."""
    details: dict[str, Any] = {}
    if isinstance(update, Update):
        details = {
            "update_id": update.update_id,
            "user": update.effective_user.id if update.effective_user else None,
            "chat": update.effective_chat.id if update.effective_chat else None,
        }
    log.error("error while handling an update %s", details, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    _ = stranger_translator(update, services(context))
    try:  # a callback query was answered already; a message reaches the person either way
        await update.effective_chat.send_message(_(SOMETHING_WENT_WRONG))
    except Exception:  # the error report itself failed: log it, there is nobody else to tell
        log.exception("could not tell the user about the error")
