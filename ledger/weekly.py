"""How the weekly digest (周报) reads: a leader's week ahead, and the office's week for admins.

Telegram HTML built from ledger.render's pieces, each tag closed on its line. Lists are capped:
a message stays within MAX_CHARS, the tasks left out counted as "… and N more".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from ledger.lights import Lights
from ledger.render import due_title, esc, overdue_title, task_line
from models.queries import TaskView
from nlu.i18n import Translate

MAX_LISTED = 8  # tasks shown in one list; the rest are counted
MAX_CHARS = 4000  # under Telegram's 4096, measured on the HTML (never shorter than the text)


@dataclass(frozen=True)
class Section:
    """One list of a weekly digest: the first tasks to show, and how many there are."""

    views: Sequence[TaskView]
    total: int


def _section(
    title: str,
    section: Section,
    shown: int,
    *,
    today: date,
    _: Translate,
    leaders: bool = False,
    note: str = "",
    lights: Lights | None = None,
) -> list[str]:
    """A list's lines: its heading with the count, a note, its first tasks, how many more."""
    if section.total == 0:
        return []
    heading = _("{title}: {count}").format(title=f"<b>{esc(title)}</b>", count=section.total)
    lines = ["", heading]
    if note:
        lines.append(esc(note))
    views = section.views[:shown]
    for view in views:
        line = task_line(view, today, _, lights)
        if leaders and view.leaders:  # the office's view says whom to ask
            line += " · " + esc("、".join(view.leaders))
        lines += ["", line]
    if section.total > len(views):
        more = _("… and {count} more.").format(count=section.total - len(views))
        lines += ["", esc(more)]
    return lines


def _fit(render: Callable[[int], str]) -> str:
    """The longest rendering within MAX_CHARS, showing at most MAX_LISTED tasks per list."""
    for shown in range(MAX_LISTED, 0, -1):
        text = render(shown)
        if len(text) <= MAX_CHARS:
            return text
    return render(0)  # headings and counts only: always short


def leader_weekly_text(
    due: Section,
    overdue: Section,
    *,
    today: date,
    _: Translate,
    lights: Lights | None = None,
) -> str:
    """A leader's week: their tasks falling due this week (Mon–Sun), then those overdue."""
    heading = _("Your week ahead")

    def render(shown: int) -> str:
        lines = [f"<b>{esc(heading)}</b>"]
        lines += _section(
            due_title("this_week", today, _), due, shown, today=today, _=_, lights=lights
        )
        lines += _section(overdue_title(_), overdue, shown, today=today, _=_, lights=lights)
        return "\n".join(lines)

    return _fit(render)


def office_weekly_text(
    due: Section,
    overdue: Section,
    silent: Section,
    *,
    silent_days: int,
    silent_since: date,
    today: date,
    _: Translate,
    lights: Lights | None = None,
) -> str:
    """The office's week for admins: counts, then what falls due, what is overdue, and the
    tasks nobody reported on or changed for ``silent_days`` days (since ``silent_since``)."""
    heading = _("The office this week")
    summary = _("Due this week: {due} · overdue: {overdue} · silent: {silent}").format(
        due=due.total, overdue=overdue.total, silent=silent.total
    )
    silent_title = _("Silent for {days} days").format(days=silent_days)
    note = _("No progress report and no change since {day}.").format(day=silent_since.isoformat())

    def render(shown: int) -> str:
        lines = [f"<b>{esc(heading)}</b>", esc(summary)]
        week = due_title("this_week", today, _)
        lines += _section(week, due, shown, today=today, _=_, leaders=True, lights=lights)
        lines += _section(
            overdue_title(_), overdue, shown, today=today, _=_, leaders=True, lights=lights
        )
        lines += _section(
            silent_title, silent, shown, today=today, _=_, leaders=True, note=note, lights=lights
        )
        return "\n".join(lines)

    return _fit(render)
