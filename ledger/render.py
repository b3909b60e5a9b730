"""The ledger's words for its tasks: how a task reads in a message, in a list or in full.

The chat's answers and the reminder digests speak of tasks alike, so what a task looks like is
said once, here: Telegram HTML, with every piece of ledger text escaped (esc) and each tag on
one line (the message splitter cuts only at line breaks). Buttons and paging belong to the chat
(handlers.common). Every function is given the translator ``_`` and ``today``; none reads the
clock.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from ledger.lights import Lights, light
from models.access import COUNT_CAP
from models.queries import TargetFigures, TaskView
from models.reports import PartyStanding
from models.tables import AuditEvent, PartStatus, TaskStatus
from nlu.calendar import period_window
from nlu.i18n import N_, Translate

TITLE_WIDTH = 30  # characters of a task's title in a list line
PLAN_WIDTH = 16  # characters of a plan's title where a list names it

STATUS_NAMES: dict[str, str] = {
    TaskStatus.open: N_("open"),
    TaskStatus.in_progress: N_("in progress"),
    TaskStatus.pending_review: N_("awaiting review"),
    TaskStatus.done: N_("done"),
    TaskStatus.cancelled: N_("cancelled"),
}
# Audit events a task's history shows in words (AuditEvent.action); others show as logged.
ACTION_NAMES = {
    "task.imported": N_("imported from the task list"),
    "task.revised": N_("changed by a revised task list: {fields}"),
    "task.cancelled": N_("no longer in the revised task list: cancelled"),
    "task.nudged": N_("nudged {fields}"),  # detail: the leaders' names
}
# Reporting events (models.reports): a name in words, then the event's own detail.
REPORT_ACTION_NAMES = {
    "task.progress": N_("progress reported"),
    "task.completion_submitted": N_("reported done, awaiting review"),
    "task.completed": N_("reported done"),
    "task.part_done": N_("reported their part done"),  # detail: whose part
    # Kept by hand (models.edits, models.people): the detail says what changed.
    "task.changed": N_("changed"),  # detail: a "field: before -> after" line per field
    "task.added": N_("added in chat"),
    "task.withdrawn": N_("cancelled"),  # detail: the reason
    "task.handed_over": N_("handed over"),  # detail: 王五 → 李麟
    "task.leader_left": N_("its leader left"),  # detail: who
    "task.approved": N_("completion approved"),
    "task.returned": N_("completion returned"),
    "task.extension_requested": N_("extension asked"),
    "task.extended": N_("deadline extended"),
    "task.extension_declined": N_("extension declined"),
}
# What the import's change report and a task's history call each compared field.
FIELD_NAMES = {
    "seq": N_("position in the list"),
    "number": N_("number"),
    "category": N_("category"),
    "focus": N_("key work"),
    "content": N_("content"),
    "measures": N_("measures"),
    "due": N_("deadline"),
    "due_text": N_("deadline as written"),
    "due_kind": N_("kind of deadline"),
    "recurrence": N_("recurrence"),
    "start": N_("start"),
    "leaders": N_("leaders"),
    "leader": N_("leaders"),
    "lead_departments": N_("lead departments"),
    "lead": N_("lead departments"),
    "responsible": N_("responsible departments"),
    "targets": N_("targets"),
    "target": N_("targets"),
    "status": N_("status"),
}
# Where one party's own part of a shared task stands (models.tables.PartStatus).
PART_NAMES: dict[str, str] = {
    PartStatus.open: N_("not reported"),
    PartStatus.reported: N_("reported"),
    PartStatus.done: N_("part done"),
}
PERIOD_NAMES = {
    "today": N_("today"),
    "this_week": N_("this week"),
    "next_week": N_("next week"),
    "this_month": N_("this month"),
    "next_month": N_("next month"),
}

# What an empty list says.
NOTHING_OPEN = N_("Nothing open. Well done!")
NOTHING_DUE = N_("Nothing falls due then.")
NOTHING_OVERDUE = N_("Nothing is overdue.")
NOTHING_MATCHES = N_("No open task matches. Try other words, or /todo for your own list.")
NOTHING_YOU_MAY_SEE = N_("No open tasks that you may see.")

_LEADING_NUMBER = re.compile(r"^\s*\d+(?:\s*[-、.．]\s*\d+)*\s*[.．、)）]?\s*")


def esc(text: object) -> str:
    """Ledger text made safe for parse_mode HTML."""
    return html.escape(str(text), quote=False)


# --- pieces of a task -----------------------------------------------------------------------


def number_label(view: TaskView, _: Translate) -> str:
    """No. 12; a task the document left unnumbered is named by its place in the list (#7),
    which 第7项 and /task 7 find too (models.access.task_by_number)."""
    if view.task.number:
        return _("No. {number}").format(number=view.task.number)
    return f"#{view.task.seq + 1}"


def short_title(view: TaskView, width: int = TITLE_WIDTH) -> str:
    """The start of what the task is about, without the number the document wrote before it."""
    task = view.task
    text = " ".join((task.content or task.focus or task.measures or "").split())
    return _shortened(_LEADING_NUMBER.sub("", text), width)


def _shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else f"{value:.0f}"


def progress(target: TargetFigures) -> str:
    """巡展 25/40 场 (62%)."""
    share = f" ({target.achieved / target.value:.0%})" if target.value else ""
    return (
        f"{target.metric} {_number(target.achieved)}/{_number(target.value)} {target.unit}{share}"
    )


def status_name(status: str, _: Translate) -> str:
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def deadline(view: TaskView, today: date, _: Translate) -> str:
    """The deadline and how far off it is; overdue open tasks are marked. HTML."""
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


# --- lists ----------------------------------------------------------------------------------


def task_line(
    view: TaskView,
    today: date,
    _: Translate,
    lights: Lights | None = None,
    *,
    plan: bool = False,
) -> str:
    """Two lines for a list: the light, number and title; deadline, status and progress. HTML.

    The light's mark (ledger.lights) leads when the office's ``lights`` are given; with
    ``plan`` the details name the task's plan (a list mixing plans, where numbers repeat)."""
    details = [deadline(view, today, _), esc(status_name(view.task.status, _))]
    details += [esc(progress(target)) for target in view.targets[:2]]
    if plan and view.plan_title:
        details.append(esc(_shortened(view.plan_title, PLAN_WIDTH)))
    found = light(view, today, lights) if lights is not None else None
    mark = f"{lights.mark(found.level)} " if lights is not None and found is not None else ""
    head = f"{mark}<b>{esc(number_label(view, _))}</b> {esc(short_title(view))}"
    return f"{head}\n    " + " · ".join(details)


def task_lines(
    views: Sequence[TaskView], today: date, _: Translate, lights: Lights | None = None
) -> str:
    """Each task's list line, a blank line between them; each names its plan when the list
    mixes plans. HTML."""
    mixed = mixes_plans(views)
    return "\n\n".join(task_line(view, today, _, lights, plan=mixed) for view in views)


def mixes_plans(views: Sequence[TaskView]) -> bool:
    """True when ``views`` come from more than one plan (their numbers may repeat)."""
    return len({view.task.plan_id for view in views}) > 1


def task_list(
    title: str,
    views: Sequence[TaskView],
    *,
    total: int,
    nothing: str,
    today: date,
    _: Translate,
    lights: Lights | None = None,
) -> str:
    """A list under its title with how many it holds (500+ past the cap); ``nothing`` if empty.

    ``title`` and ``nothing`` are plain translated text; the result is HTML.
    """
    count = f"{COUNT_CAP}+" if total > COUNT_CAP else str(total)
    heading = _("{title}: {count}").format(title=f"<b>{esc(title)}</b>", count=count)
    if not views:
        return f"{heading}\n{nothing}"
    return f"{heading}\n\n{task_lines(views, today, _, lights)}"


def plan_name(title: str, year: int | None) -> str:
    """How a plan is named in a title: its title, with its year before it when the title
    does not say it (2024 · 重点工作任务)."""
    if year is None or str(year) in title:
        return title
    return f"{year} · {title}"


def in_plan(title: str, plan: str | None, _: Translate) -> str:
    """A list's title, saying which plan it shows when that is not a current one (/plan):
    （2024年重点任务）我的待办."""
    if not plan:
        return title
    return _("({plan}) {title}").format(plan=plan, title=title)


def todo_title(_: Translate) -> str:
    return _("Your open tasks")


def due_title(period: str, today: date, _: Translate) -> str:
    """Due this week (2025-05-26 – 2025-06-01); a window without a name shows its dates."""
    start, end = period_window(period, today)
    if period not in PERIOD_NAMES:
        return _("Due {start} – {end}").format(start=start.isoformat(), end=end.isoformat())
    return _("Due {period} ({start} – {end})").format(
        period=_(PERIOD_NAMES[period]), start=start.isoformat(), end=end.isoformat()
    )


def overdue_title(_: Translate) -> str:
    return _("Overdue tasks")


def search_title(terms: Sequence[str], _: Translate) -> str:
    return _("Open tasks about {terms}").format(terms="、".join(terms))


def department_title(department: str, _: Translate) -> str:
    return _("Open tasks of {department}").format(department=department)


def leader_title(leader: str, _: Translate) -> str:
    return _("Open tasks led by {leader}").format(leader=leader)


# --- a question about one task -------------------------------------------------------------


def task_answer(
    view: TaskView, aspect: str, last_report: str | None, *, today: date, _: Translate
) -> str:
    """谁负责第33项, 第3项什么时候到期, 还有几天, 第12项进展如何 …: the answer, not a search."""
    task = view.task
    head = f"<b>{esc(number_label(view, _))}</b> {esc(short_title(view))}"
    if aspect == "leader":
        names = "、".join(view.leaders) or _("no leader named")
        body = _("Leaders: {names}").format(names=names)
        if len(view.leaders) > 1:
            body += " " + _("({name} leads)").format(name=view.leaders[0])
        return f"{head}\n{esc(body)}"
    if aspect == "department":
        lines = [head]
        lead = "、".join(view.lead_departments) or _("none named")
        lines.append(esc(_("Lead departments: {names}").format(names=lead)))
        if view.responsible:
            names = "、".join(view.responsible)
            lines.append(esc(_("Responsible: {names}").format(names=names)))
        return "\n".join(lines)
    if aspect in ("due", "days_left"):
        return f"{head}\n{esc(_('Deadline'))}: {deadline(view, today, _)}"
    lines = [head, f"{esc(_('Status'))}: {esc(status_name(task.status, _))}"]
    lines += [f"• {esc(progress(target))}" for target in view.targets]
    if aspect == "target" and not view.targets:
        lines.append(esc(_("This task sets no quantitative target.")))
    if aspect == "progress":
        if last_report:
            lines.append(esc(_("Last report: {text}").format(text=last_report)))
        else:
            lines.append(esc(_("No progress reported yet.")))
    return "\n".join(lines)


# --- one task in full -----------------------------------------------------------------------


def task_in_full(
    view: TaskView,
    history: Sequence[tuple[AuditEvent, str | None]],
    *,
    today: date,
    zone: ZoneInfo,
    _: Translate,
    parties: Sequence[PartyStanding] = (),
    lights: Lights | None = None,
) -> str:
    """One task in full: content, measures, targets and progress, who, and its history. HTML.
    With the office's ``lights``, its 督办 light and why.

    ``history`` is the task's audit trail, oldest first, each event with who acted (None for
    the system); its times are shown in ``zone``. A task shared by more than one leader or
    more than one department shows where each party's own part stands (``parties``, as
    models.reports.task_parties gives them).
    """
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
    found = light(view, today, lights) if lights is not None else None
    if lights is not None and found is not None:
        light_title = _("Light")
        said = f"{lights.name(found.level, _)} · {found.why(lights, _)}"
        lines.append(f"<b>{esc(light_title)}</b> {lights.mark(found.level)} {esc(said)}")
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
    if _shared(parties):
        parties_title = _("Each party's part")
        lines.extend(["", f"<b>{esc(parties_title)}</b>"])
        lines.extend(_party_line(party, zone, _) for party in parties)
    history_title = _("History")
    lines.extend(["", f"<b>{esc(history_title)}</b>"])
    if not history:
        lines.append(_("No history yet."))
    lines.extend(_event(event, actor, zone, _) for event, actor in history)
    return "\n".join(lines)


def _shared(parties: Sequence[PartyStanding]) -> bool:
    """A task shared by more than one leader or more than one department."""
    leaders = sum(party.kind == "leader" for party in parties)
    return leaders > 1 or len(parties) - leaders > 1


def _party_line(party: PartyStanding, zone: ZoneInfo, _: Translate) -> str:
    """• 学会部 (lead) · reported 2025-05-26."""
    name = _("{name} (lead)").format(name=party.name) if party.lead else party.name
    status = _(PART_NAMES[party.status]) if party.status in PART_NAMES else party.status
    when = f" {party.reported_at.astimezone(zone).date().isoformat()}" if party.reported_at else ""
    return f"• {esc(name)} · {esc(status)}{when}"


def _event(event: AuditEvent, actor: str | None, zone: ZoneInfo, _: Translate) -> str:
    """• 2025-05-26 12:00 · 王芳 · what happened."""
    when = event.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    who = f" · {esc(actor)}" if actor else ""
    detail = event.detail
    if event.action == "task.changed":  # field: before -> after, a line each
        detail = "; ".join(_changed_field(line, _) for line in detail.splitlines())
    if event.action in REPORT_ACTION_NAMES:
        what = _(REPORT_ACTION_NAMES[event.action])
        text = f" · {esc(detail[:200])}" if detail else ""
    elif event.action in ACTION_NAMES:  # known events say what happened in words
        fields = "、".join(_(FIELD_NAMES.get(key, key)) for key in detail.split(",") if key)
        what, text = _(ACTION_NAMES[event.action]).format(fields=fields), ""
    else:
        what, text = event.action, f" · {esc(detail[:200])}" if detail else ""
    return f"• {when}{who} · {esc(what)}{text}"


def _changed_field(line: str, _: Translate) -> str:
    """完成时限：2025-12-31 → 2025-06-30 from the history's "due: 2025-12-31 -> 2025-06-30"."""
    key, _sep, change = line.partition(": ")
    return f"{_(FIELD_NAMES.get(key, key))}: {change.replace(' -> ', ' → ')}"
