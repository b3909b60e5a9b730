"""The 情况通报: the office's weekly bulletin on the key tasks, as a 督查通报 reads.

For an ISO week (Monday..Sunday, office time) over the plans in scope:

* a title naming the week and its days, and the plans it covers;
* 一、总体情况: how many tasks, done, in progress (awaiting review included), not started and
  overdue, each with its share; what the week changed (completed, newly overdue); the lights;
* 二、各部室推进情况: per lead department (牵头; a task counts for each of its lead departments),
  its figures, the tasks it completed this week, its overdue tasks with the calendar days they
  are late, and its silent tasks: open ones nobody reported on for SILENT_DAYS days or more;
* 三、需要关注的事项: what falls due within the lights' ``soon_days``, and what is behind its
  targets' pace (ledger.lights).

The figures are ledger.stats.standing's, as of the moment the week is written up: now for the
week under way, its end for a past week. For a past week the ledger is read as it stood then,
as far as its trail tells: a task added since is left out, one completed since counts as in
progress (or not started, if nobody had reported on it by then). A cancelled task counts
nowhere; deadlines are read as they are now.

The same Bulletin gives plain text to paste into a document, HTML for the chat and a .docx.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from ledger.draft import LedgerError
from ledger.lights import Level, Lights, light
from ledger.render import esc, number_label, plan_name, progress, short_title
from ledger.stats import Tally, standing
from models.access import OPEN_STATUSES
from models.bulletin import last_reported
from models.plans import list_plans
from models.queries import TaskView, list_tasks
from models.stats import completed_at, tasks_seen
from models.tables import Person, TaskStatus
from nlu.calendar import monday
from nlu.i18n import N_, Translate

SILENT_DAYS = 14  # an open task with no progress report for this many days is silent

# The numerals of numbered parts, as the reader writes them: 一、二、三 and （一）（二） in Chinese.
NUMERALS = N_("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30")
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
SILENT_STATUSES = (TaskStatus.open, TaskStatus.in_progress)  # one awaiting review waits on review

_WEEK = re.compile(r"^(\d{4})\s*(?:-?\s*w\s*|年\s*第?\s*)(\d{1,2})\s*周?$", re.IGNORECASE)


# --- the week -------------------------------------------------------------------------------


def parse_week(text: str) -> date:
    """The Monday of an ISO week written 2025-W22 (2025W22, 2025年第22周); ValueError else."""
    found = _WEEK.match(text.strip())
    if found is None:
        raise ValueError(f"not an ISO week (YYYY-Www): {text!r}")
    return date.fromisocalendar(int(found[1]), int(found[2]), 1)  # ValueError for week 54


def week_name(day: date) -> str:
    """2025-W22: the ISO week of ``day``."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Period:
    """The week a bulletin is about, in the office's zone, and the moment it describes."""

    start: datetime  # its Monday, 00:00 office time
    until: datetime  # its end (the next Monday, 00:00), or now when that is sooner
    zone: ZoneInfo

    @property
    def monday(self) -> date:
        return self.start.astimezone(self.zone).date()

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def as_of(self) -> date:
        """The day the figures are as of: today, or the week's Sunday once it is over."""
        return min(self.until.astimezone(self.zone).date(), self.sunday)

    @property
    def name(self) -> str:
        return week_name(self.monday)


def week_period(day: date, *, now: datetime, zone: ZoneInfo) -> Period:
    """The week of ``day`` as of ``now``; a LedgerError for a week not begun."""
    first = monday(day)
    start = datetime.combine(first, time(0), zone)
    if now < start:
        raise LedgerError(N_("week {week} has not begun yet"), week=week_name(first))
    end = datetime.combine(first + timedelta(days=7), time(0), zone)
    return Period(start, min(now, end), zone)


# --- what it reads --------------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinData:
    """The ledger as a bulletin reads it."""

    views: Sequence[TaskView]  # the tasks in scope, in the ledger's order
    completed: Mapping[int, datetime]  # when each done task was completed
    reported: Mapping[int, datetime]  # each task's last report before the week's moment
    plans: Sequence[str]  # the plans in scope, named
    lights: Lights


def bulletin_data(
    session: Session,
    *,
    week: Period,
    plans: Sequence[int] | None,
    lights: Lights,
    person: Person | None = None,
) -> BulletinData:
    """What the bulletin of ``week`` reads of ``plans`` (every plan when None): the tasks
    ``person`` may see, or every task when nobody is named (the command line)."""
    if person is not None:
        views = tasks_seen(session, person=person, plans=plans)
    else:
        views = list_tasks(session, plans=plans)
        views.sort(key=lambda view: (view.task.plan_id, view.task.seq))
    done = [v.task.id for v in views if v.task.id is not None and v.task.status == TaskStatus.done]
    ids = [view.task.id for view in views if view.task.id is not None]
    wanted = set(plans) if plans is not None else {view.task.plan_id for view in views}
    return BulletinData(
        views=views,
        completed=completed_at(session, task_ids=done),
        reported=last_reported(session, task_ids=ids, before=week.until),
        plans=[plan_name(p.title, p.year) for p in list_plans(session) if p.id in wanted],
        lights=lights,
    )


# --- what it says ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A numbered part of a bulletin (一、总体情况) or of a part (（一）学会部)."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()  # a header row, then rows: shown in the .docx


@dataclass(frozen=True)
class Bulletin:
    title: str
    lead: tuple[str, ...]  # the lines under the title: the plans it covers
    parts: tuple[Part, ...]

    def _lines(self, *, html: bool) -> list[str]:
        def heading(text: str) -> str:
            return f"<b>{esc(text)}</b>" if html else text

        def body(text: str) -> str:
            return esc(text) if html else text

        lines = [heading(self.title), *map(body, self.lead)]
        for part in self.parts:
            lines += ["", heading(part.heading), *map(body, part.paragraphs)]
            for sub in part.parts:
                lines += [heading(sub.heading), *map(body, sub.paragraphs)]
        return lines

    def text(self) -> str:
        """Plain text, a paragraph a line, ready to paste into a document."""
        return "\n".join(self._lines(html=False))

    def html(self) -> str:
        """The same for the chat (Telegram HTML, each tag on its line)."""
        return "\n".join(self._lines(html=True))

    def docx(self) -> bytes:
        """The same as a Word document: the title, a heading per part, the totals' table."""
        return _docx(self)


def weekly_bulletin(data: BulletinData, *, week: Period, _: Translate) -> Bulletin:
    """The 情况通报 of ``week`` in the reader's language."""
    views = _as_it_stood(data, week)
    completed = {task: at for task, at in data.completed.items() if at < week.until}
    figures = standing(
        views, today=week.as_of, lights=data.lights, completed=completed, zone=week.zone
    )
    this_week = {
        view.task.id
        for view in views
        if view.task.status == TaskStatus.done
        and view.task.id in completed
        and completed[view.task.id] >= week.start
    }
    writer = _Writer(data, week, views, completed, this_week, _)
    title = _("Key tasks progress bulletin ({year}, week {week}, {start} – {end})").format(
        year=week.monday.isocalendar()[0],
        week=week.monday.isocalendar()[1],
        start=_day(week.monday, _),
        end=_day(week.sunday, _),
    )
    if data.plans:
        lead = _("Scope: {plans}.").format(plans=_(", ").join(data.plans))
    else:
        lead = _("Scope: the ledger holds no task list yet.")
    parts = (
        writer.overall(figures.overall),
        writer.departments(figures.departments),
        writer.attention(),
    )
    numbered = tuple(
        replace(
            part,
            heading=_("{number}. {heading}").format(number=_numeral(n, _), heading=part.heading),
        )
        for n, part in enumerate(parts, start=1)
    )
    return Bulletin(title, (lead,), numbered)


def _as_it_stood(data: BulletinData, week: Period) -> list[TaskView]:
    """The tasks in scope as they stood at the week's moment, cancelled ones left out.

    A task added since is left out. One changed since (its status may have) is read back: done
    if it was completed by then; else in progress if it was reported on by then, not started if
    not. Only a past week's bulletin finds any: nothing has changed since now.
    """
    found: list[TaskView] = []
    for view in data.views:
        task = view.task
        if task.created_at > week.until:
            continue
        status = task.status
        done_at = data.completed.get(task.id or 0)
        done_then = status == TaskStatus.done and done_at is not None and done_at < week.until
        if task.updated_at > week.until and status != TaskStatus.open and not done_then:
            status = TaskStatus.in_progress if task.id in data.reported else TaskStatus.open
        if status == TaskStatus.cancelled:
            continue
        if status != task.status:
            view = replace(view, task=task.model_copy(update={"status": status}))
        found.append(view)
    return found


class _Writer:
    """The parts of one bulletin, in the reader's words."""

    def __init__(
        self,
        data: BulletinData,
        week: Period,
        views: Sequence[TaskView],
        completed: Mapping[int, datetime],
        this_week: set[int],
        _: Translate,
    ) -> None:
        self.data, self.week, self.views, self._ = data, week, views, _
        self.completed, self.this_week = completed, this_week

    # 一、总体情况

    def overall(self, tally: Tally) -> Part:
        _, total = self._, tally.total
        progressing = tally.open - tally.not_started
        paragraphs = [
            _(
                "As of {day}, tasks under supervision: {total}. Done: {done} ({done_share}); "
                "in progress: {progress} ({progress_share}); not started: {idle} "
                "({idle_share}); overdue: {overdue} ({overdue_share})."
            ).format(
                day=_day(self.week.as_of, _),
                total=total,
                done=tally.done,
                done_share=_share(tally.done, total),
                progress=progressing,
                progress_share=_share(progressing, total),
                idle=tally.not_started,
                idle_share=_share(tally.not_started, total),
                overdue=tally.overdue,
                overdue_share=_share(tally.overdue, total),
            )
        ]
        reviewing = tally.statuses[TaskStatus.pending_review]
        if reviewing:
            paragraphs.append(
                _("Of the tasks in progress, reported done and awaiting review: {count}.").format(
                    count=reviewing
                )
            )
        newly_late = [
            view
            for view in self.views
            if view.task.status in OPEN_STATUSES
            and view.task.due is not None
            and self.week.monday - timedelta(days=1) <= view.task.due < self.week.as_of
        ]
        paragraphs.append(
            _("This week: {completed} completed, {overdue} newly overdue.").format(
                completed=len(self.this_week), overdue=len(newly_late)
            )
        )
        lights = self.data.lights
        paragraphs.append(
            _(
                "Lights: {late} {late_count}, {watch} {watch_count}, {on_track} {on_track_count}."
            ).format(
                late=lights.name(Level.late, _),
                late_count=tally.lights[Level.late],
                watch=lights.name(Level.watch, _),
                watch_count=tally.lights[Level.watch],
                on_track=lights.name(Level.on_track, _),
                on_track_count=tally.lights[Level.on_track],
            )
        )
        table = (
            (_("Item"), _("Count (tasks)"), _("Share")),
            (_("Tasks under supervision"), str(total), _share(total, total)),
            (_("Done"), str(tally.done), _share(tally.done, total)),
            (_("In progress"), str(progressing), _share(progressing, total)),
            (_("Not started"), str(tally.not_started), _share(tally.not_started, total)),
            (_("Overdue"), str(tally.overdue), _share(tally.overdue, total)),
            (_("Completed this week"), str(len(self.this_week)), "—"),
        )
        return Part(_("Overall"), tuple(paragraphs), table=table)

    # 二、各部室推进情况

    def departments(self, tallies: Sequence[Tally]) -> Part:
        _ = self._
        groups = [
            (tally, [view for view in self.views if tally.name in view.lead_departments], True)
            for tally in tallies
        ]
        unled = [view for view in self.views if not view.lead_departments]
        if unled:
            tally = Tally(_("No lead department"))
            for view in unled:
                tally.add(
                    view,
                    today=self.week.as_of,
                    lights=self.data.lights,
                    done_on=self._done_on(view),
                )
            groups.append((tally, unled, False))
        parts = tuple(
            Part(
                _("({number}) {heading}").format(number=_numeral(n, _), heading=tally.name),
                self._department(tally, views, led=led),
            )
            for n, (tally, views, led) in enumerate(groups, start=1)
        )
        return Part(_("Progress by lead department"), parts=parts)

    def _done_on(self, view: TaskView) -> date | None:
        at = self.completed.get(view.task.id or 0)
        return at.astimezone(self.week.zone).date() if at is not None else None

    def _department(self, tally: Tally, views: Sequence[TaskView], *, led: bool) -> tuple[str, ...]:
        _, as_of = self._, self.week.as_of
        summary = (
            _(
                "Tasks led: {total}; done: {done} (completion {rate}); in progress: {progress}; "
                "not started: {idle}; overdue: {overdue}."
            )
            if led
            else _(
                "Tasks: {total}; done: {done} (completion {rate}); in progress: {progress}; "
                "not started: {idle}; overdue: {overdue}."
            )
        )
        paragraphs = [
            summary.format(
                total=tally.total,
                done=tally.done,
                rate=_share(tally.done, tally.total),
                progress=tally.open - tally.not_started,
                idle=tally.not_started,
                overdue=tally.overdue,
            )
        ]
        done = [_task(view, _) for view in views if view.task.id in self.this_week]
        if done:
            paragraphs.append(
                _("Completed this week ({count}): {tasks}.").format(
                    count=len(done), tasks=_("; ").join(done)
                )
            )
        else:
            paragraphs.append(_("Nothing completed this week."))
        late = self._late(views)
        if late:
            items = [
                _("{task}, {overdue}").format(
                    task=_task(view, _), overdue=_days_late((as_of - view.task.due).days, _)
                )
                for view in late
                if view.task.due is not None
            ]
            paragraphs.append(
                _("Overdue ({count}): {tasks}.").format(count=len(late), tasks=_("; ").join(items))
            )
        silent = self._silent(views)
        if silent:
            never = [number_label(view, _) for view, last in silent if last is None]
            reported = [
                _("{task} (last reported {day})").format(
                    task=number_label(view, _), day=_day(last, _)
                )
                for view, last in silent
                if last is not None
            ]
            clauses = [_(", ").join(reported)] if reported else []
            if never:  # listed first: the longest silent
                clauses.insert(0, _("never reported: {tasks}").format(tasks=_(", ").join(never)))
            paragraphs.append(
                _("No progress report for {days} days or more ({count}): {tasks}.").format(
                    days=SILENT_DAYS, count=len(silent), tasks=_("; ").join(clauses)
                )
            )
        return tuple(paragraphs)

    def _late(self, views: Sequence[TaskView]) -> list[TaskView]:
        """The open tasks past their deadline, the longest overdue first."""
        as_of = self.week.as_of
        late = [
            view
            for view in views
            if view.task.status in OPEN_STATUSES
            and view.task.due is not None
            and view.task.due < as_of
        ]
        return sorted(late, key=lambda view: view.task.due or as_of)

    def _silent(self, views: Sequence[TaskView]) -> list[tuple[TaskView, date | None]]:
        """The open tasks with no report for SILENT_DAYS days (or none since they were added
        that long ago), the longest silent first, with the day each was last reported on."""
        found: list[tuple[TaskView, date | None]] = []
        for view in views:
            task = view.task
            if task.status not in SILENT_STATUSES:
                continue
            last = self.data.reported.get(task.id or 0)
            since = (last or task.created_at).astimezone(self.week.zone).date()
            if (self.week.as_of - since).days >= SILENT_DAYS:
                found.append((view, last.astimezone(self.week.zone).date() if last else None))
        return sorted(found, key=lambda item: (item[1] is not None, item[1] or date.min))

    # 三、需要关注的事项

    def attention(self) -> Part:
        _, as_of, lights = self._, self.week.as_of, self.data.lights
        soon: list[TaskView] = []
        behind: list[TaskView] = []
        for view in self.views:
            found = light(view, as_of, lights)
            if found is not None and found.reason == "soon":
                soon.append(view)
            elif found is not None and found.reason == "behind":
                behind.append(view)
        soon.sort(key=lambda view: view.task.due or as_of)
        nothing = (_("None."),)
        soon_lines = tuple(self._due_soon(view) for view in soon) or nothing
        behind_lines = tuple(self._behind(view) for view in behind) or nothing
        parts = (
            Part(
                _("({number}) {heading}").format(
                    number=_numeral(1, _),
                    heading=_("Due within {days} days").format(days=lights.soon_days),
                ),
                soon_lines,
            ),
            Part(
                _("({number}) {heading}").format(
                    number=_numeral(2, _), heading=_("Behind their targets' pace")
                ),
                behind_lines,
            ),
        )
        closing: tuple[str, ...] = ()
        if soon or behind or self._late(self.views) or self._silent(self.views):
            closing = (
                _(
                    "The departments concerned are asked to press on with the matters above "
                    "and report their progress on time."
                ),
            )
        last = replace(parts[-1], paragraphs=parts[-1].paragraphs + closing)
        return Part(_("Matters needing attention"), parts=(parts[0], last))

    def _due_soon(self, view: TaskView) -> str:
        _, due = self._, view.task.due
        assert due is not None
        task, days = _with_departments(view, _), (due - self.week.as_of).days
        if days == 0:
            return _("{task}: due today ({day}).").format(task=task, day=_day(due, _))
        text = (
            _("{task}: due {day}, 1 day left.")
            if days == 1
            else _("{task}: due {day}, {days} days left.")
        )
        return text.format(task=task, day=_day(due, _), days=days)

    def _behind(self, view: TaskView) -> str:
        _, due = self._, view.task.due
        assert due is not None  # a task without a deadline has no pace
        targets = [target for target in view.targets if target.value > 0]
        least = min(targets, key=lambda target: target.achieved / target.value)
        return _("{task}: {progress}; due {day}.").format(
            task=_with_departments(view, _), progress=progress(least), day=_day(due, _)
        )


# --- words ----------------------------------------------------------------------------------


def _numeral(number: int, _: Translate) -> str:
    """一 for 1 in Chinese, 1 in English; past the numerals given, the digits."""
    numerals = _(NUMERALS).split(",")
    return numerals[number - 1].strip() if number <= len(numerals) else str(number)


def _day(day: date, _: Translate) -> str:
    """5月26日 / May 26."""
    return _("{month} {day}").format(month=_(MONTHS[day.month - 1]), day=day.day)


def _share(part: int, total: int) -> str:
    """A share of the total, to a tenth of a percent: 7.9%, 50%, 0%."""
    share = f"{100 * part / total:.1f}" if total else "0"
    return share.removesuffix(".0") + "%"


def _task(view: TaskView, _: Translate) -> str:
    """第3项“面向学会、高校科协……” / No. 3 "…"."""
    title = short_title(view).rstrip("。；;，,.、 ")  # the sentence around it ends it
    return _('{number} "{title}"').format(number=number_label(view, _), title=title)


def _with_departments(view: TaskView, _: Translate) -> str:
    """The task, and its lead departments when it has any."""
    task = _task(view, _)
    if not view.lead_departments:
        return task
    return _("{task} ({departments})").format(
        task=task, departments=_(", ").join(view.lead_departments)
    )


def _days_late(days: int, _: Translate) -> str:
    return _("1 day overdue") if days == 1 else _("{days} days overdue").format(days=days)


# --- the Word document ----------------------------------------------------------------------

# The fonts of a 通报 (GB/T 9704): the title in 宋体, headings in 黑体 and 楷体, the body in 仿宋.
# They apply to Chinese characters only (w:eastAsia); Latin text keeps Word's own font.
_FONTS = {"Title": "宋体", "Heading 1": "黑体", "Heading 2": "楷体", "Normal": "仿宋"}
_SIZES = {"Title": 22, "Heading 1": 16, "Heading 2": 16, "Normal": 14}


def _docx(bulletin: Bulletin) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    for name, font in _FONTS.items():
        style = document.styles[name]
        style.font.size = Pt(_SIZES[name])
        style.font.color.rgb = RGBColor(0, 0, 0)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)  # a theme's font would win over ours
        fonts.set(qn("w:eastAsia"), font)

    def paragraph(text: str) -> None:
        document.add_paragraph(text).paragraph_format.first_line_indent = Pt(28)

    document.add_heading(bulletin.title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in bulletin.lead:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in bulletin.parts:
        document.add_heading(part.heading, level=1)
        for text in part.paragraphs:
            paragraph(text)
        if part.table:
            table = document.add_table(rows=0, cols=len(part.table[0]))
            table.style = "Table Grid"
            for row in part.table:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
        for sub in part.parts:
            document.add_heading(sub.heading, level=2)
            for text in sub.paragraphs:
                paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
