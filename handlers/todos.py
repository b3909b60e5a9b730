"""Asking about tasks: my to-do list, what falls due, what is overdue, one task, a topic.

By command (/todo, /due, /overdue, /task, /search, /dept, /leader) or in plain Chinese
(我的待办, 本周到期, 第12项, 科普大篷车那个任务, 学会部的任务). Who may see what is decided
in models.access; here every request, button presses included, is answered for whoever asks.
How the tasks read is ledger.render's.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
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
    no_plan_of,
    nudge_button,
    page_buttons,
    report_button,
    without_mention,
)
from ledger import render
from ledger.lights import Lights
from ledger.render import esc
from ledger.understanding import Understood, understand_message
from models.access import (
    Page,
    due_tasks,
    known_names,
    my_tasks,
    overdue_tasks,
    search_tasks,
    task_by_id,
    task_by_number,
    tasks_of_department,
    tasks_of_leader,
)
from models.calendar_days import calendar_days
from models.people import note_private_chat, task_history
from models.queries import TaskView
from models.reminders import latest_digest, snooze
from models.reports import last_report as last_reports
from models.reports import may_report, remember_alias, task_parties
from models.tables import TaskStatus
from nlu.calendar import WorkCalendar, period_window, snoozed_until
from nlu.i18n import N_, Translate
from nlu.intents import (
    Intent,
    IntentKind,
    read_name,
    read_period,
    read_task_number,
    search_terms,
)
from nlu.understand import Reading

PAGE_SIZE = 8
PAGE_DATA = r"^pg:"

# /due's argument in English; Chinese ones (/due 本月) are read as periods.
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


# --- the lists ------------------------------------------------------------------------------
# Each fetches one page from models.access, as the asker may see it in the plans their
# questions are about. ``arg`` is the list's argument: a period, search words separated by
# spaces, a department's or a leader's name.


def _todo(session: Session, asker: Asker, arg: str, today: date, offset: int) -> Page:
    return my_tasks(session, person=asker.person, limit=PAGE_SIZE, offset=offset, plans=asker.plans)


def _whose(arg: str) -> tuple[str, str | None, str | None]:
    """A list argument "period|d:学会部" or "|l:李麟" -> (period, department, leader)."""
    head, _sep, who = arg.partition("|")
    kind, _colon, name = who.partition(":")
    return head, (name if kind == "d" else None), (name if kind == "l" else None)


def _due(session: Session, asker: Asker, arg: str, today: date, offset: int) -> Page:
    period, department, leader = _whose(arg)
    start, end = period_window(period, today)
    return due_tasks(
        session,
        person=asker.person,
        start=start,
        end=end,
        limit=PAGE_SIZE,
        offset=offset,
        department=department,
        leader=leader,
        plans=asker.plans,
    )


def _overdue(session: Session, asker: Asker, arg: str, today: date, offset: int) -> Page:
    _period, department, leader = _whose(arg)
    return overdue_tasks(
        session,
        person=asker.person,
        today=today,
        limit=PAGE_SIZE,
        offset=offset,
        department=department,
        leader=leader,
        plans=asker.plans,
    )


def _titled(title: Callable[[str, date, Translate], str]) -> Callable[[str, date, Translate], str]:
    """A list's title, followed by the department or leader it is narrowed to."""

    def titled(arg: str, today: date, _: Translate) -> str:
        period, department, leader = _whose(arg)
        name = department or leader
        return title(period, today, _) + (f" · {name}" if name else "")

    return titled


def _search(session: Session, asker: Asker, words: str, today: date, offset: int) -> Page:
    terms = words.split()
    return search_tasks(
        session,
        person=asker.person,
        terms=terms,
        limit=PAGE_SIZE,
        offset=offset,
        plans=asker.plans,
    )


def _department(session: Session, asker: Asker, name: str, today: date, offset: int) -> Page:
    return tasks_of_department(
        session,
        person=asker.person,
        department=name,
        limit=PAGE_SIZE,
        offset=offset,
        plans=asker.plans,
    )


def _leader(session: Session, asker: Asker, name: str, today: date, offset: int) -> Page:
    return tasks_of_leader(
        session,
        person=asker.person,
        leader=name,
        limit=PAGE_SIZE,
        offset=offset,
        plans=asker.plans,
    )


@dataclass(frozen=True)
class ListKind:
    """A list one can ask for and page through: the question, the fetching, its words."""

    asked_as: IntentKind  # what read_intent calls the question that asks for it
    fetch: Callable[[Session, Asker, str, date, int], Page]  # (…, arg, today, offset)
    title: Callable[[str, date, Translate], str]  # (arg, today, _): its title, plain text
    nothing_found: str  # what it says when empty (a message to translate)
    overseers_only: bool = False  # leaders and admins only


# Keyed by what a ListRequest and the ‹ › buttons carry; buttons already sent use these names.
TODO, DUE, OVERDUE, SEARCH, DEPARTMENT, LEADER = "todo", "due", "overdue", "search", "dept", "lead"
LISTS: dict[str, ListKind] = {
    TODO: ListKind("todo", _todo, lambda arg, today, _: render.todo_title(_), render.NOTHING_OPEN),
    DUE: ListKind("due", _due, _titled(render.due_title), render.NOTHING_DUE),
    OVERDUE: ListKind(
        "overdue",
        _overdue,
        _titled(lambda arg, today, _: render.overdue_title(_)),
        render.NOTHING_OVERDUE,
    ),
    SEARCH: ListKind(
        "search",
        _search,
        lambda words, today, _: render.search_title(words.split(), _),
        render.NOTHING_MATCHES,
    ),
    DEPARTMENT: ListKind(
        "department",
        _department,
        lambda name, today, _: render.department_title(name, _),
        render.NOTHING_YOU_MAY_SEE,
        overseers_only=True,
    ),
    LEADER: ListKind(
        "leader",
        _leader,
        lambda name, today, _: render.leader_title(name, _),
        render.NOTHING_YOU_MAY_SEE,
        overseers_only=True,
    ),
}
_LIST_ASKED_AS = {kind.asked_as: name for name, kind in LISTS.items()}
# nlu.understand's kinds are a superset of nlu.intents': the lists by either name.
_READING_LISTS: dict[str, str] = {str(kind.asked_as): name for name, kind in LISTS.items()}


@dataclass(frozen=True)
class ListRequest:
    """A list someone asked for: its kind (a key of LISTS) and its argument."""

    kind: str
    arg: str = ""


def fetch(session: Session, asker: Asker, request: ListRequest, today: date, page: int) -> Page:
    """One page of the list, as ``asker`` may see it."""
    kind = LISTS[request.kind]
    return kind.fetch(session, asker, request.arg, today, page * PAGE_SIZE)


def render_list(
    request: ListRequest,
    found: Page,
    *,
    asker: Asker,
    today: date,
    page: int,
    arg_key: str,
    lights: Lights | None = None,
) -> Reply:
    """A page of a list with its ‹ › buttons; ``arg_key`` is what the buttons carry as arg;
    each task with its light when the office's ``lights`` are given."""
    _ = asker.translate
    kind = LISTS[request.kind]
    views, total = found
    title = render.in_plan(kind.title(request.arg, today, _), asker.plan, _)
    nothing = _(kind.nothing_found)
    text = render.task_list(
        title, views, total=total, nothing=nothing, today=today, _=_, lights=lights
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


async def _ask(update: Update, context: Context, want: ListRequest | str) -> None:
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
        view = task_by_number(session, person=asker.person, number=want, plans=asker.plans)
        if view is None:
            text = _("I can't find a task numbered {number} that you may see.")
            return Reply(text.format(number=esc(want)))
        return _task_view(session, asker, svc, view)
    if LISTS[want.kind].overseers_only and not asker.sees_others:
        return Reply(_(ONLY_OVERSEERS))
    found = fetch(session, asker, want, today, 0)
    key = _arg_key(context, want.kind, want.arg, asker.id)
    return render_list(
        want, found, asker=asker, today=today, page=0, arg_key=key, lights=svc.lights
    )


def _request(intent: Intent) -> ListRequest | str | None:
    """What to answer for an intent read from a message (None: not understood)."""
    if intent.kind == "task":
        return intent.number
    kind = _LIST_ASKED_AS.get(intent.kind)
    if kind is None:
        return None
    # At most one of these is set: the argument of the lists that take one.
    return ListRequest(kind, intent.period or " ".join(intent.terms) or intent.name or "")


def _usage(asker: Asker, message: str, **values: str) -> Reply:
    """How to use a command, or why its argument was not understood."""
    text = asker.translate(message)
    return Reply(text.format(**{key: esc(value) for key, value in values.items()}))


# --- commands and messages ------------------------------------------------------------------


async def todo_command(update: Update, context: Context) -> None:
    await _ask(update, context, ListRequest(TODO))


async def overdue_command(update: Update, context: Context) -> None:
    await _ask(update, context, ListRequest(OVERDUE))


async def due_command(update: Update, context: Context) -> None:
    """/due, /due week|month|next (next month), /due 下周 …"""
    argument = "".join(context.args or []).lower().replace("_", "")
    period = DUE_ARGUMENTS.get(argument or "week") or read_period(argument) or "this_week"
    await _ask(update, context, ListRequest(DUE, period))


async def task_command(update: Update, context: Context) -> None:
    """/task 12 (also 8-10 or 第十二项)."""
    number = read_task_number(" ".join(context.args or []))
    if number is not None:
        await _ask(update, context, number)
        return
    usage = N_("Which task? For example: /task 12")
    await answer(update, context, lambda session, asker, svc: _usage(asker, usage))


async def search_command(update: Update, context: Context) -> None:
    """/search 大篷车."""
    argument = " ".join(context.args or [])

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        terms: tuple[str, ...] = ()
        if argument:
            leaders, departments = known_names(session)
            terms = search_terms(argument, [*leaders, *departments])  # names stay whole
        if not terms:
            return _usage(asker, N_("What about? For example: /search 大篷车"))
        return _answer(session, context, asker, ListRequest(SEARCH, " ".join(terms)), svc)

    await answer(update, context, respond)


async def department_command(update: Update, context: Context) -> None:
    """/dept 学会部."""
    await _named(update, context, "department", N_("Which department? For example: /dept 学会部"))


async def leader_command(update: Update, context: Context) -> None:
    """/leader 郑昌盛."""
    await _named(update, context, "leader", N_("Which leader? For example: /leader 郑昌盛"))


async def _named(update: Update, context: Context, kind: IntentKind, usage: str) -> None:
    """A department's or a leader's tasks, when the ledger knows the name as one of those."""
    argument = "".join(context.args or [])

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        if not argument:
            return _usage(asker, usage)
        leaders, departments = known_names(session)
        named = read_name(argument, leaders=leaders, departments=departments)
        if named is None or named.kind != kind:
            return _usage(asker, N_("I don't know “{name}” in the ledger."), name=argument)
        return _answer(session, context, asker, _request(named), svc)

    await answer(update, context, respond)


async def text_message(update: Update, context: Context) -> None:
    """Plain text: in a private chat, or addressed to the bot in a group."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    private = is_private(update)

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        if private:
            note_private_chat(session, person=asker.person, chat_id=chat.id)
        return _understood(session, context, asker, svc, without_mention(message))

    await answer(update, context, respond)


NOT_UNDERSTOOD = N_(
    "I didn't understand that, and nothing was recorded. Try 我的待办, 本周到期, 第12项, "
    "a report such as 第5项办完了, or /help."
)
REPORT_IN_PRIVATE = N_(
    "Reports, completions and extensions are made in a private chat with me. "
    "Nothing was recorded here."
)
WHICH_TASK = N_("Which task do you mean?")
TASK_DATA = r"^tv:\d+(?::.*)?$"


def _understood(
    session: Session, context: Context, asker: Asker, svc: Services, text: str
) -> Reply:
    """Whatever a message asks, answered for ``asker``; reports are the report flow's."""
    _ = asker.translate
    today = svc.today()
    understood = understand_message(
        session, person=asker.person, text=text, today=today, plans=asker.plans
    )
    reading, kind = understood.reading, understood.intent
    if understood.no_plan_of is not None:
        return Reply(esc(no_plan_of(understood.no_plan_of, _)))
    if kind == "help":
        return Reply(help_text(asker.person, _))
    if kind == "other":
        return Reply(esc(_social(reading.social, asker, _)))
    if kind in ("progress", "done", "extend"):
        return Reply(esc(_(REPORT_IN_PRIVATE)))
    if kind == "snooze":
        return _snooze(session, asker, svc, week="下周" in reading.text)
    if reading.unread:
        text = _(
            "I can't tell what “{words}” means here, so I won't answer only part of the "
            "question. Try 逾期的, 学会部逾期的 or 李麟本月到期的."
        )
        return Reply(esc(text.format(words=reading.unread)))
    if kind in ("task", "question"):
        return _one_task(session, context, asker, svc, understood)
    narrowed = reading.department or reading.leader
    if kind in ("due", "overdue") and narrowed and not asker.sees_others:
        return Reply(_(ONLY_OVERSEERS))
    if kind == "search" and understood.candidates:
        return _candidates(context, asker, understood)
    return _answer(session, context, asker, _list_of(reading), svc)


def _list_of(reading: Reading) -> ListRequest | None:
    """The list a reading asks for (None: not one we can list)."""
    name = _READING_LISTS.get(reading.kind)
    if name is None or (reading.kind == "search" and not reading.terms):
        return None
    if name in (DUE, OVERDUE) and (reading.department or reading.leader):
        who = f"d:{reading.department}" if reading.department else f"l:{reading.leader}"
        return ListRequest(name, f"{reading.period or ''}|{who}")
    # At most one of these is set: the argument of the lists that take one.
    arg = reading.period or " ".join(reading.terms) or reading.department or reading.leader
    return ListRequest(name, arg or "")


def _social(social: str | None, asker: Asker, _: Translate) -> str:
    if social == "thanks":
        return _("You're welcome!")
    if social == "greeting":
        return _(
            "Hello, {name}! Ask me 我的待办, 本周到期 or 第12项, or tell me how a task is going."
        ).format(name=asker.person.name)
    if social == "ack":
        return _("OK.")
    return _(NOT_UNDERSTOOD)


def _one_task(
    session: Session, context: Context, asker: Asker, svc: Services, understood: Understood
) -> Reply:
    _ = asker.translate
    if understood.task is None:
        if understood.candidates:
            return _candidates(context, asker, understood)
        if understood.missing:
            text = _("I can't find a task numbered {number} that you may see.")
            return Reply(text.format(number=esc("、".join(understood.missing))))
        return Reply(esc(_(NOT_UNDERSTOOD)))
    view = understood.task
    aspect = understood.reading.aspect if understood.intent == "question" else None
    if aspect is None or aspect == "content":
        return _task_view(session, asker, svc, view)  # its first line names the plan
    text = render.task_answer(view, aspect, last_report(session, view), today=svc.today(), _=_)
    if understood.reading.plan_year is not None:  # 去年的第3项谁负责: say which plan answered
        text = f"{esc(view.plan_title)}\n{text}"
    return Reply(text)


def last_report(session: Session, view: TaskView) -> str | None:
    assert view.task.id is not None
    found = last_reports(session, task_ids=[view.task.id]).get(view.task.id)
    return found.text if found is not None else None


def _task_view(session: Session, asker: Asker, svc: Services, view: TaskView) -> Reply:
    _ = asker.translate
    assert view.task.id is not None
    history = task_history(session, task_id=view.task.id)
    parties = task_parties(session, task_id=view.task.id)
    text = render.task_in_full(
        view, history, today=svc.today(), zone=svc.zone, _=_, parties=parties, lights=svc.lights
    )
    open_task = view.task.status not in (TaskStatus.done, TaskStatus.cancelled)
    buttons = []
    if open_task and may_report(session, person=asker.person, task_id=view.task.id):
        buttons.append(report_button(view.task.id, _))
    if asker.is_admin and open_task and view.leaders:
        buttons.append(nudge_button(view.task.id, _))
    return Reply(text, keyboard([buttons]))


def _candidates(context: Context, asker: Asker, understood: Understood) -> Reply:
    """Up to three tasks the words may mean, as buttons; the choice teaches the phrase."""
    _ = asker.translate
    phrase = understood.reading.topic if not understood.reading.numbers else ""
    key = _arg_key(context, "tv", phrase, asker.id) if phrase else ""
    rows = []
    for view in understood.candidates:
        label = f"{render.number_label(view, _)} {render.short_title(view, 16)}"
        data = f"tv:{view.task.id}:{key}" if key else f"tv:{view.task.id}"
        if len(data.encode()) > 64:
            data = f"tv:{view.task.id}"
        rows.append([(label, data)])
    return Reply(esc(_(WHICH_TASK)), keyboard(rows))


async def task_pressed(update: Update, context: Context) -> None:
    """A candidate picked: the task in full, and the words that named it remembered."""
    query = update.callback_query
    assert query is not None and query.data is not None
    _prefix, task_id, *rest = query.data.split(":", 2)

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        _ = asker.translate
        view = task_by_id(session, person=asker.person, task_id=int(task_id))
        if view is None:
            return Notice(_(NO_LONGER_WORKS))
        phrase = _arg_of(context, rest[0]) if rest and rest[0] else None
        if phrase:
            remember_alias(
                session, phrase=phrase, task_id=int(task_id), person_id=asker.id, now=svc.now()
            )
        return _task_view(session, asker, svc, view)

    await answer_press(update, context, respond)


def _snooze(session: Session, asker: Asker, svc: Services, *, week: bool) -> Reply:
    """明天再提醒我: today's digest comes back on the next working day."""
    _ = asker.translate
    today = svc.today()
    digest = latest_digest(session, person_id=asker.id, today=today)
    if digest is None or digest.id is None:
        return Reply(esc(_("There is no reminder from today to put off.")))
    calendar = WorkCalendar(calendar_days(session))
    until = snoozed_until(calendar, today, week=week)
    snooze(session, delivery_id=digest.id, until=until)
    return Reply(esc(_("I'll remind you again on {day}.").format(day=until.isoformat())))


async def page_pressed(update: Update, context: Context) -> None:
    """‹ or ›: the page is made again for whoever pressed; someone else's list is refused."""
    query = update.callback_query
    assert query is not None and query.data is not None
    ref = PageRef.read(query.data)

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        _ = asker.translate
        if ref is None or ref.kind not in LISTS:
            return Notice(_(NO_LONGER_WORKS))
        if ref.owner != asker.id:
            return Notice(_(SOMEONE_ELSES))
        arg = _arg_of(context, ref.arg)
        if arg is None:
            return Notice(_(EXPIRED))
        if LISTS[ref.kind].overseers_only and not asker.sees_others:
            return Notice(_(ONLY_OVERSEERS))
        request, today = ListRequest(ref.kind, arg), svc.today()
        found = fetch(session, asker, request, today, ref.page)
        page = ref.page
        last = max(0, math.ceil(found[1] / PAGE_SIZE) - 1)
        if page > last:  # the list got shorter since it was shown
            page = last
            found = fetch(session, asker, request, today, page)
        return render_list(
            request, found, asker=asker, today=today, page=page, arg_key=ref.arg, lights=svc.lights
        )

    await answer_press(update, context, respond)
