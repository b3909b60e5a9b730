"""How a reminder digest reads: one message per person per day, and its buttons' data.

The scheduler sends digests and the chat answers their buttons; both take the words and the
button shapes from here. Button data: ``rm:ack:ID`` (收到), ``rm:snz:ID:d`` / ``rm:snz:ID:w``
(明天 / 下周再提醒), ``rm:v:ID:TASK`` (查看), where ID is the delivery's. They grant nothing:
the chat checks that the delivery is the presser's and that the task is theirs to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ledger.lights import Lights
from ledger.render import esc, mixes_plans, number_label, task_line
from models.queries import TaskView
from nlu.i18n import N_, Translate

REMINDER_DATA = r"^rm:"
MAX_ITEMS = 12  # a calm digest; the rest are one /todo away
MAX_VIEW_BUTTONS = 6

ACKNOWLEDGE = N_("Got it")
TOMORROW = N_("Remind me tomorrow")
NEXT_WEEK = N_("Remind me next week")
VIEW = N_("View {number}")
REPORT = N_("Report progress")


@dataclass(frozen=True)
class DigestItem:
    """One task in a digest: its reminder stage and what it is about."""

    view: TaskView
    kind: str  # before | due | overdue | progress | escalation
    workdays: int  # before: working days left; overdue: working days late


@dataclass(frozen=True)
class ReminderPress:
    """A digest button pressed: what (ack, snooze, view), on which delivery, and its detail."""

    action: str  # ack | snz | v
    delivery_id: int
    detail: str = ""  # snz: d or w; v: the task id

    def data(self) -> str:
        return ":".join(
            part for part in ("rm", self.action, str(self.delivery_id), self.detail) if part
        )

    @classmethod
    def read(cls, data: str) -> ReminderPress | None:
        parts = data.split(":")
        if len(parts) not in (3, 4) or parts[0] != "rm" or not parts[2].isdigit():
            return None
        action, detail = parts[1], parts[3] if len(parts) == 4 else ""
        valid = (
            (action == "ack" and not detail)
            or (action == "snz" and detail in ("d", "w"))
            or (action == "v" and detail.isdigit())
        )
        return cls(action, int(parts[2]), detail) if valid else None


def stage_text(item: DigestItem, _: Translate) -> str:
    """⏳ 7 working days left · ⏰ due today · ⚠️ 6 working days overdue · 📝 progress."""
    if item.kind == "before":
        text = (
            _("1 working day left")
            if item.workdays == 1
            else _("{days} working days left").format(days=item.workdays)
        )
        return "⏳ " + text
    if item.kind == "due":
        return "⏰ " + _("due today")
    if item.kind == "overdue":
        text = (
            _("1 working day overdue")
            if item.workdays == 1
            else _("{days} working days overdue").format(days=item.workdays)
        )
        return "⚠️ " + text
    if item.kind == "escalation":
        text = _("{days} working days overdue: reported to its lead leader and the office").format(
            days=item.workdays
        )
        leaders = "、".join(item.view.leaders)
        return (
            "🔺 "
            + text
            + (" (" + _("leaders: {names}").format(names=leaders) + ")" if leaders else "")
        )
    return "📝 " + _("please report this month's progress")


def digest_text(
    items: Sequence[DigestItem],
    *,
    today: date,
    _: Translate,
    weekday: str = "",
    lights: Lights | None = None,
) -> str:
    """The digest: a heading, then each task under its stage (with its light), soonest
    first. HTML."""
    heading = _("Reminders for {day}: {count} of your tasks need attention").format(
        day=today.isoformat(), count=len(items)
    )
    lines = [f"<b>{esc(heading)}</b>"]
    mixed = mixes_plans([item.view for item in items])
    for item in items[:MAX_ITEMS]:
        lines += ["", esc(stage_text(item, _)), task_line(item.view, today, _, lights, plan=mixed)]
    if len(items) > MAX_ITEMS:
        more = _("… and {count} more: /todo lists them all.").format(count=len(items) - MAX_ITEMS)
        lines += ["", esc(more)]
    return "\n".join(lines)


def digest_buttons(
    delivery_id: int, items: Sequence[DigestItem], _: Translate
) -> list[list[tuple[str, str]]]:
    """收到, 报告进度; 明天再提醒, 下周再提醒; 查看 for the first tasks: rows of (label, data).

    报告进度 (rp:d:<delivery>) starts a report on one of the digest's tasks (handlers.reports).
    """
    rows = [
        [
            (_(ACKNOWLEDGE), ReminderPress("ack", delivery_id).data()),
            (_(REPORT), f"rp:d:{delivery_id}"),
        ],
        [
            (_(TOMORROW), ReminderPress("snz", delivery_id, "d").data()),
            (_(NEXT_WEEK), ReminderPress("snz", delivery_id, "w").data()),
        ],
    ]
    views: list[tuple[str, str]] = []
    for item in items[:MAX_VIEW_BUTTONS]:
        task = item.view.task
        assert task.id is not None
        label = _(VIEW).format(number=number_label(item.view, _))
        views.append((label, ReminderPress("v", delivery_id, str(task.id)).data()))
    rows += [views[i : i + 3] for i in range(0, len(views), 3)]
    return rows
