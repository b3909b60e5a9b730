"""/plan: the ledger's plans by year, and which one my questions are about.

/plan                 lists the plans (counts, 当前 / 已归档, the one I am on) with buttons
/plan 2024            my questions are about 2024's plan (buttons when the year has several)
/plan 3               … about plan [3], its number in the list
/plan current         back to the current plans (also: /plan 当前)
/plan archive 3       admins: plan [3] leaves the lists and the reminders; /plan unarchive 3
Buttons carry ``pl:<plan id>`` (``pl:0``: the current plans) and change only the presser's
own choice; the list is shown again, marked for them. Which plans are current is models.plans'.
"""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update

from handlers.common import (
    Asker,
    Button,
    Context,
    Notice,
    Reply,
    Services,
    answer,
    answer_press,
    keyboard,
    no_plan_of,
)
from ledger.render import esc, plan_name
from models.plans import (
    PlanSummary,
    archive_plan,
    choose_plan,
    current_plan_ids,
    list_plans,
    plan_by_id,
    plans_in_scope,
    plans_of_year,
    unarchive_plan,
)
from nlu.i18n import N_

PLAN_DATA = r"^pl:\d+$"
FIRST_YEAR = 1900  # /plan N: a year from here on, else a plan's number in the list
CURRENT_WORDS = frozenset({"current", "now", "当前", "本年", "今年", "默认", "回到当前"})
ARCHIVE_WORDS = frozenset({"archive", "归档"})
UNARCHIVE_WORDS = frozenset({"unarchive", "restore", "取消归档", "恢复"})

USAGE = N_(
    "Usage: /plan, /plan 2024 (a year), /plan 3 (a plan's number in the list), /plan current"
    " (admins: /plan archive 3, /plan unarchive 3)"
)
ONLY_ADMINS = N_("Only the office clerk (an admin) can archive plans. Nothing was changed.")
NO_SUCH_PLAN = N_("There is no plan [{number}]. /plan lists them.")


def _label(plan: PlanSummary) -> str:
    return plan_name(plan.title, plan.year)


def plans_text(session: Session, asker: Asker, svc: Services) -> Reply:
    """Every plan with its counts and marks, and buttons to switch to another."""
    _ = asker.translate
    plans = list_plans(session)
    if not plans:
        return Reply(esc(_("No plan has been imported yet.")))
    current = set(current_plan_ids(session, today=svc.today()))
    mine = set(plans_in_scope(session, person=asker.person, today=svc.today()))
    chose = asker.person.plan_id is not None and asker.person.plan_id in {p.id for p in plans}
    title = _("Plans in the ledger")
    lines = [f"<b>{esc(title)}</b>"]
    for plan in plans:
        marks = [str(plan.year)] if plan.year is not None else []
        if plan.id in current:
            marks.append(_("current"))
        if plan.archived:
            marks.append(_("archived"))
        if plan.id in mine:
            marks.append("👉 " + _("you are on it"))
        counts = _("open {open} · done {done} · {total} in all").format(
            open=plan.open, done=plan.done, total=plan.total
        )
        head = f"<b>[{plan.id}]</b> {esc(plan.title)}"
        lines.append(head + (f" · {esc(' · '.join(marks))}" if marks else ""))
        lines.append(f"    {esc(counts)}")
    lines.append("")
    lines.append(esc(_("/plan 2024 shows another year's; /plan current comes back.")))
    rows: list[list[Button]] = [
        [(f"[{plan.id}] {_short(_label(plan))}", f"pl:{plan.id}")]
        for plan in plans
        if plan.id not in mine
    ]
    if chose:
        rows.append([(_("Back to the current plans"), "pl:0")])
    return Reply("\n".join(lines), keyboard(rows))


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _chosen(session: Session, asker: Asker, plan_id: int | None) -> Reply:
    """Switch ``asker`` to a plan (None: the current plans) and say what that means."""
    _ = asker.translate
    if not choose_plan(session, person=asker.person, plan_id=plan_id):
        return Reply(esc(_(NO_SUCH_PLAN).format(number=plan_id)))
    plan = plan_by_id(session, plan_id=plan_id) if plan_id is not None else None
    if plan is None:
        return Reply(
            esc(_("Back to the current plans: 我的待办, 第3项 and the lists are about them."))
        )
    text = _(
        "Now on {plan}: 我的待办, 第3项 and the lists are about this plan until /plan current."
    ).format(plan=plan_name(plan.title, plan.year))
    if plan.archived_at is not None:
        text += " " + _("It is archived: its tasks get no reminders.")
    return Reply(esc(text))


def _year(session: Session, asker: Asker, year: int) -> Reply:
    """/plan 2024: that year's plan, or buttons when it has several."""
    _ = asker.translate
    found = plans_of_year(session, year=year)
    if not found:
        return Reply(esc(no_plan_of(year, _)))
    if len(found) == 1:
        return _chosen(session, asker, found[0])
    rows: list[list[Button]] = []
    for plan_id in found:
        plan = plan_by_id(session, plan_id=plan_id)
        if plan is not None:
            rows.append([(f"[{plan_id}] {_short(plan.title)}", f"pl:{plan_id}")])
    question = _("{year} has {count} plans. Which one?").format(year=year, count=len(found))
    return Reply(esc(question), keyboard(rows))


def _archive(session: Session, asker: Asker, svc: Services, word: str, number: str) -> Reply:
    _ = asker.translate
    if not asker.is_admin:
        return Reply(esc(_(ONLY_ADMINS)))
    if not number.isdigit():
        return Reply(esc(_(USAGE)))
    archiving = word in ARCHIVE_WORDS
    change = archive_plan if archiving else unarchive_plan
    before = plan_by_id(session, plan_id=int(number))
    was_archived = before is not None and before.archived_at is not None
    plan = change(session, plan_id=int(number), by=asker.person, now=svc.now())
    if plan is None:
        return Reply(esc(_(NO_SUCH_PLAN).format(number=number)))
    name = plan_name(plan.title, plan.year)
    if archiving and was_archived:
        text = _("{plan} is archived already.")
    elif archiving:
        text = _(
            "Archived {plan}: its tasks leave the lists and get no more reminders. "
            "/plan unarchive {number} brings it back."
        )
    elif not was_archived:
        text = _("{plan} is not archived.")
    else:
        text = _("{plan} is back: its tasks are listed and reminded again.")
    return Reply(esc(text.format(plan=name, number=number)))


def _respond(session: Session, asker: Asker, svc: Services, args: list[str]) -> Reply:
    _ = asker.translate
    if not args:
        return plans_text(session, asker, svc)
    first = args[0].lower()
    if first in ARCHIVE_WORDS | UNARCHIVE_WORDS:
        return _archive(session, asker, svc, first, "".join(args[1:]).strip("[]#"))
    argument = "".join(args).lower()
    if argument in CURRENT_WORDS:
        return _chosen(session, asker, None)
    number = argument.removesuffix("年").strip("[]#")
    if number.isdigit():
        if int(number) >= FIRST_YEAR:
            return _year(session, asker, int(number))
        return _chosen(session, asker, int(number))
    return Reply(esc(_(USAGE)))


async def plan_command(update: Update, context: Context) -> None:
    """/plan [2024 | 3 | current | archive 3 | unarchive 3]."""
    args = list(context.args or [])

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        return _respond(session, asker, svc, args)

    await answer(update, context, respond)


async def plan_pressed(update: Update, context: Context) -> None:
    """A plan picked from /plan's buttons: the presser's own choice changes."""
    query = update.callback_query
    assert query is not None and query.data is not None
    plan_id = int(query.data.removeprefix("pl:"))

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        if plan_id and plan_by_id(session, plan_id=plan_id) is None:
            return Notice(asker.translate(N_("This button no longer works.")))
        said = _chosen(session, asker, plan_id or None)
        listing = plans_text(session, asker, svc)  # the list again, marked for the presser
        return Reply(f"{said.text}\n\n{listing.text}", listing.markup)

    await answer_press(update, context, respond)
