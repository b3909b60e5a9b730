"""Asking about tasks: my to-do list, what falls due, what is overdue, one task, a topic.

By command (/todo, /due, /overdue, /task, /search, /dept, /leader) or in plain Chinese
(我的待办, 本周到期, 第12项, 科普大篷车那个任务, 学会部的任务). Who may see what is decided
in models.access; here every request, button presses included, is answered for whoever asks.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update

from handlers.common import (
    Asker,
    Context,
    PageRef,
    Services,
    asker_or_explain,
    esc,
    identify,
    is_private,
    keyboard,
    not_bound_short,
    page_buttons,
    reply,
    services,
    show,
    stranger_reply,
    stranger_translator,
    without_mention,
)
from handlers.onboarding import help_text
from ledger.store import FIELD_NAMES
from models.access import (
    COUNT_CAP,
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
from models.queries import TaskView
from models.tables import Target, TaskStatus
from nlu.calendar import period_window
from nlu.i18n import N_, Translate
from nlu.intents import Intent, read_intent

PAGE_SIZE = 8
# Audit events a task's history shows in words (AuditEvent.action).
ACTION_NAMES = {
    "task.imported": N_("imported from the task list"),
    "task.revised": N_("changed by a revised task list: {fields}"),
    "task.cancelled": N_("no longer in the revised task list: cancelled"),
}
PAGE_DATA = r"^pg:"
TITLE_WIDTH = 30

# Lists that can be paged: the kind in a ListRequest and in the ‹ › buttons' data.
TODO, DUE, OVERDUE, SEARCH, DEPARTMENT, LEADER = "todo", "due", "overdue", "search", "dept", "lead"
KINDS = (TODO, DUE, OVERDUE, SEARCH, DEPARTMENT, LEADER)
FOR_OVERSEERS = (DEPARTMENT, LEADER)  # leaders and admins only

STATUS_NAMES: dict[str, str] = {
    TaskStatus.open: N_("open"),
    TaskStatus.in_progress: N_("in progress"),
    TaskStatus.pending_review: N_("awaiting review"),
    TaskStatus.done: N_("done"),
    TaskStatus.cancelled: N_("cancelled"),
}
PERIOD_NAMES = {
    "today": N_("today"),
    "this_week": N_("this week"),
    "next_week": N_("next week"),
    "this_month": N_("this month"),
    "next_month": N_("next month"),
}
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
_LEADING_NUMBER = re.compile(r"^\s*\d+(?:\s*[-、.．]\s*\d+)*\s*[.．、)）]?\s*")


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
        start, end = period_window(request.arg, today)
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


def number_label(view: TaskView, _: Translate) -> str:
    return _("No. {number}").format(number=view.task.number) if view.task.number else "—"


def short_title(view: TaskView, width: int = TITLE_WIDTH) -> str:
    task = view.task
    text = " ".join((task.content or task.focus or task.measures or "").split())
    text = _LEADING_NUMBER.sub("", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else f"{value:.0f}"


def progress(target: Target) -> str:
    """巡展 25/40 场 (62%)."""
    share = f" ({target.achieved / target.value:.0%})" if target.value else ""
    return (
        f"{target.metric} {_number(target.achieved)}/{_number(target.value)} {target.unit}{share}"
    )


def deadline(view: TaskView, today: date, _: Translate) -> str:
    """The deadline and how far off it is; overdue open tasks are marked."""
    task = view.task
    if task.due is None:
        return _("no fixed deadline") + (f" ({esc(task.due_text)})" if task.due_text else "")
    days = (task.due - today).days
    text = task.due.isoformat()
    if task.status in (TaskStatus.done, TaskStatus.cancelled):
        return text
    if days < 0:
        # One message per count that reads differently: English says "1 day", not "1 days".
        late = _("overdue by 1 day") if days == -1 else _("overdue by {days} days")
        return text + " ⚠️ " + late.format(days=-days)
    if days == 0:
        return text + " ⏰ " + _("due today")
    left = _("(1 day left)") if days == 1 else _("({days} days left)")
    return text + " " + left.format(days=days)


def status_name(status: str, _: Translate) -> str:
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def task_line(view: TaskView, today: date, _: Translate) -> str:
    """Two lines for a list: number and title; deadline, status and progress."""
    details = [deadline(view, today, _), esc(status_name(view.task.status, _))]
    details += [esc(progress(target)) for target in view.targets[:2]]
    return f"<b>{esc(number_label(view, _))}</b> {esc(short_title(view))}\n    " + " · ".join(
        details
    )


def heading(request: ListRequest, total: int, today: date, _: Translate) -> str:
    if request.kind == TODO:
        title = _("Your open tasks")
    elif request.kind == DUE:
        start, end = period_window(request.arg, today)
        title = _("Due {period} ({start} – {end})").format(
            period=_(PERIOD_NAMES[request.arg]), start=start.isoformat(), end=end.isoformat()
        )
    elif request.kind == OVERDUE:
        title = _("Overdue tasks")
    elif request.kind == SEARCH:
        title = _("Open tasks about {terms}").format(terms="、".join(request.arg.split()))
    elif request.kind == DEPARTMENT:
        title = _("Open tasks of {department}").format(department=request.arg)
    else:
        title = _("Open tasks led by {leader}").format(leader=request.arg)
    count = f"{COUNT_CAP}+" if total > COUNT_CAP else str(total)
    return _("{title}: {count}").format(title=f"<b>{esc(title)}</b>", count=count)


def nothing_found(request: ListRequest, _: Translate) -> str:
    if request.kind == TODO:
        return _("Nothing open. Well done!")
    if request.kind == DUE:
        return _("Nothing falls due then.")
    if request.kind == OVERDUE:
        return _("Nothing is overdue.")
    if request.kind == SEARCH:
        return _("No open task matches. Try other words, or /todo for your own list.")
    return _("No open tasks that you may see.")


def render_list(
    request: ListRequest,
    found: Page,
    *,
    asker: Asker,
    today: date,
    page: int,
    arg_key: str,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of a list with its ‹ › buttons; ``arg_key`` is what the buttons carry as arg."""
    _ = asker.translate
    views, total = found
    lines = [heading(request, total, today, _)]
    if not views:
        lines.append(nothing_found(request, _))
    for view in views:
        lines.append("")
        lines.append(task_line(view, today, _))
    pages = math.ceil(total / PAGE_SIZE)
    ref = PageRef(request.kind, arg_key, page, asker.id)
    return "\n".join(lines), keyboard([page_buttons(ref, pages=pages)])


def render_task(
    view: TaskView,
    history: list[tuple[str, str | None, str, str]],
    *,
    today: date,
    _: Translate,
) -> str:
    """One task in full: content, measures, targets and progress, who, and its history."""
    task = view.task
    lines = [f"<b>{esc(number_label(view, _))}</b> {esc(view.plan_title)}"]
    if task.category or task.focus:
        lines.append(esc(" · ".join(part for part in (task.category, task.focus) if part)))

    def section(title: str, body: str | None) -> None:
        if body and body.strip():
            lines.extend(["", f"<b>{esc(title)}</b>"])
            lines.extend(esc(line) for line in body.strip().splitlines() if line.strip())

    section(_("Content"), task.content)
    section(_("Measures"), task.measures)
    deadline_title, status_title = _("Deadline"), _("Status")
    lines.extend(["", f"<b>{esc(deadline_title)}</b> {deadline(view, today, _)}"])
    if task.due is not None and task.due_text:
        lines[-1] += f" ({esc(task.due_text)})"
    lines.append(f"<b>{esc(status_title)}</b> {esc(status_name(task.status, _))}")
    if view.targets:
        targets_title = _("Targets")
        lines.extend(["", f"<b>{esc(targets_title)}</b>"])
        lines.extend(f"• {esc(progress(target))}" for target in view.targets)
    for title, names in (
        (_("Lead departments"), view.lead_departments),
        (_("Responsible"), view.responsible),
        (_("Leaders"), view.leaders),
    ):
        if names:
            lines.append(f"<b>{esc(title)}</b> {esc('、'.join(names))}")
    history_title = _("History")
    lines.extend(["", f"<b>{esc(history_title)}</b>"])
    if not history:
        lines.append(_("No history yet."))
    for when, actor, action, detail in history:
        who = f" · {esc(actor)}" if actor else ""
        if action in ACTION_NAMES:  # known events say what happened in words; the rest as logged
            fields = "、".join(_(FIELD_NAMES.get(key, key)) for key in detail.split(",") if key)
            what, text = _(ACTION_NAMES[action]).format(fields=fields), ""
        else:
            what, text = action, f" · {esc(detail[:200])}" if detail else ""
        lines.append(f"• {when}{who} · {esc(what)}{text}")
    return "\n".join(lines)


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
    svc = services(context)
    with session_scope(svc.engine) as session:
        asker = identify(session, update, svc)
        if asker is None:
            text, markup = stranger_reply(update, svc), None
        else:
            text, markup = _answer(session, context, asker, want, svc)
    await reply(update, text, markup)


def _answer(
    session: Session,
    context: Context,
    asker: Asker,
    want: ListRequest | str | None,
    svc: Services,
) -> tuple[str, InlineKeyboardMarkup | None]:
    _ = asker.translate
    today = svc.today()
    if want is None:
        return _("I didn't understand that. Try 我的待办, 本周到期, 第12项 or /help."), None
    if isinstance(want, str):
        view = task_by_number(session, person=asker.person, number=want)
        if view is None:
            return _("I can't find a task numbered {number} that you may see.").format(
                number=esc(want)
            ), None
        assert view.task.id is not None
        history = [
            (
                event.at.astimezone(svc.zone).strftime("%Y-%m-%d %H:%M"),
                actor,
                event.action,
                event.detail,
            )
            for event, actor in task_history(session, task_id=view.task.id)
        ]
        return render_task(view, history, today=today, _=_), None
    if want.kind in FOR_OVERSEERS and not asker.sees_others:
        return _(ONLY_OVERSEERS), None
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
    asker = await asker_or_explain(update, context)
    if asker is None:
        return
    text = asker.translate(message)
    await reply(update, text.format(**{key: esc(value) for key, value in values.items()}))


async def text_message(update: Update, context: Context) -> None:
    """Plain text: in a private chat, or addressed to the bot in a group."""
    message = update.effective_message
    assert message is not None
    svc = services(context)
    with session_scope(svc.engine) as session:
        asker = identify(session, update, svc)
        if asker is None:
            text, markup = stranger_reply(update, svc), None
        else:
            if is_private(update) and update.effective_chat is not None:
                note_private_chat(session, person_id=asker.id, chat_id=update.effective_chat.id)
            intent = _read(session, without_mention(message))
            if intent.kind == "help":
                text, markup = help_text(asker.person, asker.translate), None
            else:
                text, markup = _answer(session, context, asker, _request(intent), svc)
    await reply(update, text, markup)


async def page_pressed(update: Update, context: Context) -> None:
    """‹ or ›: the page is made again for whoever pressed; someone else's list is refused."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    ref = PageRef.read(query.data)
    notice: str | None = None
    text: str | None = None
    markup: InlineKeyboardMarkup | None = None
    with session_scope(svc.engine) as session:
        asker = identify(session, update, svc)
        arg = _arg_of(context, ref.arg) if ref is not None else None
        if asker is None:
            notice = not_bound_short(stranger_translator(update, svc))
        elif ref is None or ref.kind not in KINDS:
            notice = asker.translate(NO_LONGER_WORKS)
        elif ref.owner != asker.id:
            notice = asker.translate(SOMEONE_ELSES)
        elif arg is None:
            notice = asker.translate(EXPIRED)
        elif ref.kind in FOR_OVERSEERS and not asker.sees_others:
            notice = asker.translate(ONLY_OVERSEERS)
        else:
            request, today = ListRequest(ref.kind, arg), svc.today()
            found = fetch(session, asker, request, today, ref.page)
            page = ref.page
            last = max(0, math.ceil(found[1] / PAGE_SIZE) - 1)
            if page > last:  # the list got shorter since it was shown
                page = last
                found = fetch(session, asker, request, today, page)
            text, markup = render_list(
                request, found, asker=asker, today=today, page=page, arg_key=ref.arg
            )
    await query.answer(notice, show_alert=notice is not None)
    if text is not None:
        await show(query, text, markup)
