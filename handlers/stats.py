"""Where the plan stands: /stats [部门|领导名] and the questions about it (完成率多少,
各部室完成情况, 各位领导完成情况, 学会部进度怎么样, 陈汉平分管的完成了几项), answered with the
figures as text and, when they cover several departments or leaders, a chart (ledger.charts)
sent after them.

Everyone is answered about the tasks they may see (models.stats.tasks_seen, in the plans their
questions are about): the office clerk the whole ledger, a leader their tasks and the
departments they oversee, staff their department's. A department's figures are those of the
tasks it leads (牵头), as ledger.stats counts them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.ext import filters

from handlers.common import (
    Asker,
    Context,
    Services,
    decide,
    is_private,
    no_plan_of,
    reply,
    stranger_reply,
    without_mention,
)
from ledger import render
from ledger.charts import MORE, shorten, standing_chart
from ledger.lights import Level, Lights
from ledger.render import esc
from ledger.stats import Standing, Tally, standing
from ledger.understanding import understand_message
from models.people import note_private_chat
from models.plans import plans_of_year
from models.queries import TaskView
from models.stats import completed_at, tasks_seen
from models.tables import TaskStatus
from nlu.i18n import N_, Translate
from nlu.understand import Reading, understand

MAX_LINES = 12  # groups listed in the text; the chart shows as many
CHART_FILE = "standing.png"

ALL_TASKS = N_("Where the tasks stand")
TASKS_YOU_SEE = N_("Where the tasks you may see stand")
LED_BY = N_("Tasks led by {name}")
LED_BY_YOU_SEE = N_("Tasks led by {name} that you may see")
OF_LEADER = N_("Tasks of {name}")
OF_LEADER_YOU_SEE = N_("Tasks of {name} that you may see")
BY_DEPARTMENT = N_("By lead department")
BY_LEADER = N_("By leader")
SUMMARY = N_(
    "Total {total}: done {done} ({rate}), in progress {in_progress}, not started {not_started}."
)
AWAITING_REVIEW = N_("Of those in progress, {count} awaiting review.")
TIMELINESS = N_("Overdue {overdue}. Done on time {on_time}, done late {late}.")
OVERDUE_COUNT = N_("overdue {count}")
NOTHING = N_("There are no tasks here that you may see.")
UNKNOWN_NAME = N_("I don't know “{name}” in the ledger.")


@dataclass(frozen=True)
class Chart:
    """What to draw, once the database session is closed."""

    tallies: list[Tally]
    title: str
    lights: Lights
    translate: Translate


@dataclass(frozen=True)
class Figures:
    """The answer: HTML text, and the chart to send after it, if any."""

    text: str
    chart: Chart | None = None


# --- the figures ------------------------------------------------------------------------------


def figures(session: Session, asker: Asker, svc: Services, text: str) -> Figures:
    """The answer to ``text`` (a question about standing, or /stats …) for ``asker``."""
    _ = asker.translate
    today = svc.today()
    understood = understand_message(
        session, person=asker.person, text=text, today=today, plans=asker.plans
    )
    if understood.no_plan_of is not None:
        return Figures(esc(no_plan_of(understood.no_plan_of, _)))
    reading = understood.reading
    if reading.unread:
        return Figures(esc(_(UNKNOWN_NAME).format(name=reading.unread)))
    plans: Sequence[int] | None = asker.plans
    plan = asker.plan
    if reading.plan_year is not None:  # 去年的完成情况
        plans, plan = plans_of_year(session, year=reading.plan_year), str(reading.plan_year)
    views = _narrowed(tasks_seen(session, person=asker.person, plans=plans), reading)
    done = [view.task.id for view in views if view.task.status == TaskStatus.done]
    found = standing(
        views,
        today=today,
        lights=svc.lights,
        completed=completed_at(session, task_ids=[id_ for id_ in done if id_ is not None]),
        zone=svc.zone,
    )
    return _figures(found, reading, asker=asker, plan=plan, today=today, lights=svc.lights)


def _narrowed(views: list[TaskView], reading: Reading) -> list[TaskView]:
    """The tasks a department leads, or a leader's, when the question names one."""
    if reading.department is not None:
        return [view for view in views if reading.department in view.lead_departments]
    if reading.leader is not None:
        return [view for view in views if reading.leader in view.leaders]
    return views


def _figures(
    found: Standing,
    reading: Reading,
    *,
    asker: Asker,
    plan: str | None,
    today: date,
    lights: Lights,
) -> Figures:
    _ = asker.translate
    overall = found.overall
    if reading.department is not None:
        title = _(LED_BY if asker.is_admin else LED_BY_YOU_SEE).format(name=reading.department)
    elif reading.leader is not None:
        title = _(OF_LEADER if asker.is_admin else OF_LEADER_YOU_SEE).format(name=reading.leader)
    else:
        title = _(ALL_TASKS if asker.is_admin else TASKS_YOU_SEE)
    heading = f"<b>{esc(render.in_plan(title, plan, _))}</b> · {today.isoformat()}"
    if not overall.total:
        return Figures(f"{heading}\n{esc(_(NOTHING))}")
    lines = [heading, *summary(overall, lights, _)]
    by_leader = reading.by == "leader" or (reading.by is None and reading.department is not None)
    groups = found.leaders if by_leader else found.departments
    group_title = _(BY_LEADER if by_leader else BY_DEPARTMENT)
    if len(groups) > 1 or (groups and groups[0].name not in (reading.department, reading.leader)):
        lines += ["", f"<b>{esc(group_title)}</b>"]
        lines += [group_line(tally, lights, _) for tally in groups[:MAX_LINES]]
        if len(groups) > MAX_LINES:
            lines.append(esc(_(MORE).format(count=len(groups) - MAX_LINES)))
    chart = None
    if len(groups) > 1:
        named = reading.department or reading.leader
        parts = [shorten(named, 16)] if named else []
        parts += [group_title, today.isoformat()]
        chart = Chart(groups, " · ".join(parts), lights, _)
    return Figures("\n".join(lines), chart)


def summary(tally: Tally, lights: Lights, _: Translate) -> list[str]:
    """The scope's figures: by status, on time or late, and the lights (HTML lines)."""
    in_progress = tally.open - tally.not_started
    lines = [
        esc(
            _(SUMMARY).format(
                total=tally.total,
                done=tally.done,
                rate=f"{tally.rate:.0%}",
                in_progress=in_progress,
                not_started=tally.not_started,
            )
        )
    ]
    awaiting = tally.statuses[TaskStatus.pending_review]
    if awaiting:
        lines.append(esc(_(AWAITING_REVIEW).format(count=awaiting)))
    lines.append(
        esc(_(TIMELINESS).format(overdue=tally.overdue, on_time=tally.on_time, late=tally.late))
    )
    marks = [
        f"{lights.mark(level)} {esc(lights.name(level, _))} {tally.lights[level]}"
        for level in (Level.late, Level.watch, Level.on_track)
    ]
    lines.append(" · ".join(marks))
    return lines


def group_line(tally: Tally, lights: Lights, _: Translate) -> str:
    """One department's or leader's line: done of total, completion, overdue and yellow."""
    line = f"• {esc(tally.name)} — {tally.done}/{tally.total} ({tally.rate:.0%})"
    if tally.overdue:
        line += f" · {esc(_(OVERDUE_COUNT).format(count=tally.overdue))} {lights.mark(Level.late)}"
    watch = tally.lights[Level.watch]
    if watch:
        line += f" · {lights.mark(Level.watch)} {watch}"
    return line


# --- the chat ---------------------------------------------------------------------------------


async def _send(update: Update, context: Context, text: str) -> None:
    """The figures for whoever asked, then the chart (drawn off the event loop)."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    private = is_private(update)

    def respond(session: Session, asker: Asker, svc: Services) -> Figures:
        if private:
            note_private_chat(session, person=asker.person, chat_id=chat.id)
        return figures(session, asker, svc, text)

    said = decide(update, context, respond, lambda svc: Figures(stranger_reply(update, svc)))
    await reply(update, said.text)
    chart = said.chart
    if chart is not None:
        png = await asyncio.to_thread(
            standing_chart,
            chart.tallies,
            title=chart.title,
            lights=chart.lights,
            _=chart.translate,
        )
        await message.reply_photo(png, filename=CHART_FILE, do_quote=False)


async def stats_command(update: Update, context: Context) -> None:
    """/stats, /stats 学会部, /stats 陈汉平, /stats 各位领导."""
    message = update.effective_message
    assert message is not None
    await _send(update, context, " ".join(["/stats", *(context.args or [])]))


async def stats_message(update: Update, context: Context) -> None:
    """A question about standing, in a private chat or addressed to the bot in a group."""
    message = update.effective_message
    assert message is not None
    await _send(update, context, without_mention(message))


class _ReadsAsStats(filters.MessageFilter):
    """A text that reads as a question about standing (nlu.understand, without the ledger's
    names: which handler answers never depends on them)."""

    def filter(self, message: Any) -> bool:
        text = without_mention(message)
        return bool(text) and not text.startswith("/") and understand(text).kind == "stats"


READS_AS_STATS = _ReadsAsStats(name="reads_as_stats")
