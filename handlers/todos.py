"""Asking about tasks: my to-do list, what falls due, what is overdue, one task, a topic.

By command (/todo, /due, /overdue, /task, /search, /dept, /leader) or in plain Chinese
(我的待办, 本周到期, 第12项, 科普大篷车那个任务, 学会部的任务). Who may see what is decided
in models.access; here every request, button presses included, is answered for whoever asks.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session
from telegram import Update

from handlers.common import (
    Asker,
    Context,
    Notice,
    PageRef,
    Reply,
    Services,
    answer,
    answer_press,
    help_text,
    is_private,
    keyboard,
    page_buttons,
    services,
    without_mention,
)
from ledger import render
from ledger.render import esc
from models.access import (
    Page,
    due_tasks,
    known_names,
    my_tasks,
    overdue_tasks,
    search_tasks,
    task_by_number,
    tasks_of_department,
    tasks_of_leader,
)
from models.db import session_scope
from models.people import note_private_chat, task_history
from nlu.i18n import N_, Translate
from nlu.intents import Intent, period_bounds, read_intent

PAGE_SIZE = 8
PAGE_DATA = r"^pg:"

# Lists that can be paged: the kind in a ListRequest and in the ‹ › buttons' data.
TODO, DUE, OVERDUE, SEARCH, DEPARTMENT, LEADER = "todo", "due", "overdue", "search", "dept", "lead"
KINDS = (TODO, DUE, OVERDUE, SEARCH, DEPARTMENT, LEADER)
FOR_OVERSEERS = (DEPARTMENT, LEADER)  # leaders and admins only

# /due's argument in English; Chinese ones (/due 本月) go through read_intent.
DUE_ARGUMENTS = {
    "today": "today",
    "week": "this_week",
    "thisweek": "this_week",
    "nextweek": "next_week",
    "month": "this_month",
    "thismonth": "this_month",
    "next": "next_month",
    "nextmonth": "next_month",
}
ONLY_OVERSEERS = N_("Only leaders and the office clerk can ask about a department or a leader.")
SOMEONE_ELSES = N_("This list was made for someone else. Ask me yourself to see yours.")
EXPIRED = N_("This list has expired. Please ask again.")
NO_LONGER_WORKS = N_("This button no longer works.")


@dataclass(frozen=True)
class ListRequest:
    """A list someone asked for: its kind and argument (period, search terms, a name)."""

    kind: str
    arg: str = ""


# --- fetching -------------------------------------------------------------------------------


def fetch(session: Session, asker: Asker, request: ListRequest, today: date, page: int) -> Page:
    """One page of the list, as ``asker`` may see it."""
    person, offset = asker.person, page * PAGE_SIZE
    if request.kind == TODO:
        return my_tasks(session, person=person, limit=PAGE_SIZE, offset=offset)
    if request.kind == DUE:
        start, end = period_bounds(request.arg, today)
        return due_tasks(
            session, person=person, start=start, end=end, limit=PAGE_SIZE, offset=offset
        )
    if request.kind == OVERDUE:
        return overdue_tasks(session, person=person, today=today, limit=PAGE_SIZE, offset=offset)
    if request.kind == SEARCH:
        terms = request.arg.split()
        return search_tasks(session, person=person, terms=terms, limit=PAGE_SIZE, offset=offset)
    if request.kind == DEPARTMENT:
        return tasks_of_department(
            session, person=person, department=request.arg, limit=PAGE_SIZE, offset=offset
        )
    if request.kind == LEADER:
        return tasks_of_leader(
            session, person=person, leader=request.arg, limit=PAGE_SIZE, offset=offset
        )
    raise ValueError(f"unknown list: {request.kind}")


# --- rendering ------------------------------------------------------------------------------


def heading(request: ListRequest, today: date, _: Translate) -> str:
    if request.kind == TODO:
        return render.todo_title(_)
    if request.kind == DUE:
        return render.due_title(request.arg, today, _)
    if request.kind == OVERDUE:
        return render.overdue_title(_)
    if request.kind == SEARCH:
        return render.search_title(request.arg.split(), _)
    if request.kind == DEPARTMENT:
        return render.department_title(request.arg, _)
    return render.leader_title(request.arg, _)


def nothing_found(request: ListRequest) -> str:
    if request.kind == TODO:
        return render.NOTHING_OPEN
    if request.kind == DUE:
        return render.NOTHING_DUE
    if request.kind == OVERDUE:
        return render.NOTHING_OVERDUE
    if request.kind == SEARCH:
        return render.NOTHING_MATCHES
    return render.NOTHING_YOU_MAY_SEE


def render_list(
    request: ListRequest,
    found: Page,
    *,
    asker: Asker,
    today: date,
    page: int,
    arg_key: str,
) -> Reply:
    """A page of a list with its ‹ › buttons; ``arg_key`` is what the buttons carry as arg."""
    _ = asker.translate
    views, total = found
    text = render.task_list(
        heading(request, today, _),
        views,
        total=total,
        nothing=_(nothing_found(request)),
        today=today,
        _=_,
    )
    pages = math.ceil(total / PAGE_SIZE)
    ref = PageRef(request.kind, arg_key, page, asker.id)
    return Reply(text, keyboard([page_buttons(ref, pages=pages)]))


# --- answering ------------------------------------------------------------------------------

_ARG_CACHE = "page_args"
_ARG_CACHE_SIZE = 1000


def _arg_key(context: Context, kind: str, arg: str, owner: int) -> str:
    """What a button carries for ``arg``: the text itself, or a key to it if it is too long."""
    if PageRef(kind, arg, 99_999, owner).data() is not None:
        return arg
    key = "#" + hashlib.sha256(arg.encode()).hexdigest()[:12]
    cache: dict[str, str] = context.bot_data.setdefault(_ARG_CACHE, {})
    if len(cache) >= _ARG_CACHE_SIZE:
        cache.pop(next(iter(cache)))  # the oldest; its buttons will say the list expired
    cache[key] = arg
    return key


def _arg_of(context: Context, key: str) -> str | None:
    if not key.startswith("#"):
        return key
    cache: dict[str, str] = context.bot_data.get(_ARG_CACHE, {})
    return cache.get(key)


async def _ask(update: Update, context: Context, want: ListRequest | str | None) -> None:
    """Answer a list request (or a task number, as str) for whoever sent this update."""

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        return _answer(session, context, asker, want, svc)

    await answer(update, context, respond)


def _answer(
    session: Session,
    context: Context,
    asker: Asker,
    want: ListRequest | str | None,
    svc: Services,
) -> Reply:
    _ = asker.translate
    today = svc.today()
    if want is None:
        return Reply(_("I didn't understand that. Try 我的待办, 本周到期, 第12项 or /help."))
    if isinstance(want, str):
        view = task_by_number(session, person=asker.person, number=want)
        if view is None:
            text = _("I can't find a task numbered {number} that you may see.")
            return Reply(text.format(number=esc(want)))
        assert view.task.id is not None
        history = task_history(session, task_id=view.task.id)
        return Reply(render.task_in_full(view, history, today=today, zone=svc.zone, _=_))
    if want.kind in FOR_OVERSEERS and not asker.sees_others:
        return Reply(_(ONLY_OVERSEERS))
    found = fetch(session, asker, want, today, 0)
    key = _arg_key(context, want.kind, want.arg, asker.id)
    return render_list(want, found, asker=asker, today=today, page=0, arg_key=key)


def _request(intent: Intent) -> ListRequest | str | None:
    """What to answer for an intent read from a message (None: not understood)."""
    if intent.kind == "todo":
        return ListRequest(TODO)
    if intent.kind == "due" and intent.period:
        return ListRequest(DUE, intent.period)
    if intent.kind == "overdue":
        return ListRequest(OVERDUE)
    if intent.kind == "task" and intent.number:
        return intent.number
    if intent.kind == "search" and intent.terms:
        return ListRequest(SEARCH, " ".join(intent.terms))
    if intent.kind == "department" and intent.name:
        return ListRequest(DEPARTMENT, intent.name)
    if intent.kind == "leader" and intent.name:
        return ListRequest(LEADER, intent.name)
    return None


# Questions that never name a leader or department: read them without loading the names.
_NAMELESS = frozenset({"todo", "due", "overdue", "task", "help"})


def _read(session: Session, text: str) -> Intent:
    intent = read_intent(text)
    if intent.kind in _NAMELESS:
        return intent
    leaders, departments = known_names(session)
    return read_intent(text, leaders=leaders, departments=departments)


async def todo_command(update: Update, context: Context) -> None:
    await _ask(update, context, ListRequest(TODO))


async def overdue_command(update: Update, context: Context) -> None:
    await _ask(update, context, ListRequest(OVERDUE))


async def due_command(update: Update, context: Context) -> None:
    """/due, /due week|month|next (next month), /due 下周 …"""
    argument = "".join(context.args or []).lower().replace("_", "")
    period = DUE_ARGUMENTS.get(argument or "week")
    if period is None:
        period = read_intent(f"{argument}到期").period or "this_week"
    await _ask(update, context, ListRequest(DUE, period))


async def task_command(update: Update, context: Context) -> None:
    """/task 12 (also 8-10 or 十二)."""
    argument = " ".join(context.args or [])
    intent = read_intent(f"/task {argument}")
    if intent.kind != "task" or not intent.number:
        await _usage(update, context, N_("Which task? For example: /task 12"))
        return
    await _ask(update, context, intent.number)


async def search_command(update: Update, context: Context) -> None:
    """/search 大篷车."""
    argument = " ".join(context.args or [])
    svc = services(context)
    with session_scope(svc.engine) as session:
        intent = _read(session, f"/search {argument}") if argument else Intent("unknown")
    if not intent.terms:
        await _usage(update, context, N_("What about? For example: /search 大篷车"))
        return
    await _ask(update, context, ListRequest(SEARCH, " ".join(intent.terms)))


async def department_command(update: Update, context: Context) -> None:
    """/dept 学会部."""
    await _named(update, context, "department", N_("Which department? For example: /dept 学会部"))


async def leader_command(update: Update, context: Context) -> None:
    """/leader 郑昌盛."""
    await _named(update, context, "leader", N_("Which leader? For example: /leader 郑昌盛"))


async def _named(update: Update, context: Context, kind: str, usage: str) -> None:
    argument = "".join(context.args or [])
    if not argument:
        await _usage(update, context, usage)
        return
    svc = services(context)
    with session_scope(svc.engine) as session:
        intent = _read(session, f"{argument}的任务")
    if intent.kind == kind and intent.name:
        await _ask(update, context, _request(intent))
        return
    await _usage(update, context, N_("I don't know “{name}” in the ledger."), name=argument)


async def _usage(update: Update, context: Context, message: str, **values: str) -> None:
    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        text = asker.translate(message)
        return Reply(text.format(**{key: esc(value) for key, value in values.items()}))

    await answer(update, context, respond)


async def text_message(update: Update, context: Context) -> None:
    """Plain text: in a private chat, or addressed to the bot in a group."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    private = is_private(update)

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        if private:
            note_private_chat(session, person_id=asker.id, chat_id=chat.id)
        intent = _read(session, without_mention(message))
        if intent.kind == "help":
            return Reply(help_text(asker.person, asker.translate))
        return _answer(session, context, asker, _request(intent), svc)

    await answer(update, context, respond)


async def page_pressed(update: Update, context: Context) -> None:
    """‹ or ›: the page is made again for whoever pressed; someone else's list is refused."""
    query = update.callback_query
    assert query is not None and query.data is not None
    ref = PageRef.read(query.data)

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        _ = asker.translate
        if ref is None or ref.kind not in KINDS:
            return Notice(_(NO_LONGER_WORKS))
        if ref.owner != asker.id:
            return Notice(_(SOMEONE_ELSES))
        arg = _arg_of(context, ref.arg)
        if arg is None:
            return Notice(_(EXPIRED))
        if ref.kind in FOR_OVERSEERS and not asker.sees_others:
            return Notice(_(ONLY_OVERSEERS))
        request, today = ListRequest(ref.kind, arg), svc.today()
        found = fetch(session, asker, request, today, ref.page)
        page = ref.page
        last = max(0, math.ceil(found[1] / PAGE_SIZE) - 1)
        if page > last:  # the list got shorter since it was shown
            page = last
            found = fetch(session, asker, request, today, page)
        return render_list(request, found, asker=asker, today=today, page=page, arg_key=ref.arg)

    await answer_press(update, context, respond)
