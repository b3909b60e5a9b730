"""A new task by one message: 新增任务：组织全市科普讲解大赛，普及部牵头，李麟负责，9月底前.

The message is read whole (nlu.edits), its names found in the ledger as it spells them
(ledger.keeping), and the task previewed with every field — its number continuing the plan's
numbering — before 确认. A name the ledger lacks stops it with the closest names offered; a
field not said stays open (and shows in /unassigned). Only the clerk adds tasks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session
from telegram import Update

from handlers.common import Asker, Context, Reply, Services, keyboard
from handlers.keeping.changes import task_title
from handlers.keeping.draft import ADD, CONFIRM, DRAFT, KeepDraft, confirm_buttons, draft_of
from handlers.steps import STALE, Out, Step, StepOf, run
from ledger.keeping import Unresolved, find_departments, find_leaders
from ledger.render import esc
from models.access import known_names
from models.edits import NewTask, add_task, may_add, next_number, plan_for_adding
from models.tables import Person
from nlu import edits
from nlu.i18n import N_, Translate, translator

ONLY_CLERK_ADDS = N_("Only the office clerk adds tasks. Nothing was added.")


def read_new(session: Session, text: str, today: date) -> edits.NewTask | None:
    """The new task in ``text``, with or without its 新增任务 opening."""
    leaders, departments = known_names(session)
    for said in (text, f"新增任务：{text}"):
        found = edits.read_new_task(said, today=today, leaders=leaders, departments=departments)
        if found is not None and found.content:
            return found
    return None


def propose(session: Session, asker: Asker, svc: Services, new: edits.NewTask) -> Step:
    """The preview of ``new`` as it will be added, or why it cannot be."""
    _ = asker.translate
    if not may_add(asker.person):
        return Step(Reply(esc(_(ONLY_CLERK_ADDS))))
    plan = plan_for_adding(session, plans=asker.plans)
    if plan is None or plan.id is None:
        return Step(
            Reply(esc(_("There is no task list yet: import one first. Nothing was added.")))
        )
    leaders = find_leaders(session, new.leaders)
    lead = find_departments(session, new.lead)
    responsible = find_departments(session, new.responsible)
    unresolved = Unresolved(list(leaders.unknown), [*lead.unknown, *responsible.unknown])
    if unresolved:
        hint = _("Add them with /person or /dept, or write the name as the ledger has it.")
        return Step(Reply("\n".join([unresolved.say(_), esc(hint), esc(_(ONLY_NOTHING))])))
    draft = KeepDraft(
        "add",
        new={
            "plan": plan.id,
            "content": new.content,
            "measures": new.measures,
            "leaders": list(leaders.ids),
            "lead": list(lead.ids),
            "responsible": list(responsible.ids),
            "due": new.due.isoformat() if new.due else None,
            "due_text": new.due_text,
            "names": [list(leaders.names), list(lead.names), list(responsible.names)],
        },
    )
    number = next_number(session, plan_id=plan.id)
    heading = _("Add task {number} to {plan}?").format(
        number=esc(number), plan=f"<b>{esc(plan.title)}</b>"
    )
    return Step(
        Reply(heading + "\n" + _fields(draft.new, _), keyboard(confirm_buttons(asker))),
        CONFIRM,
        draft,
    )


ONLY_NOTHING = N_("Nothing was added.")


def _fields(new: dict[str, Any], _: Translate) -> str:
    none = _("(none)")
    leaders, lead, responsible = (list(names) for names in new["names"])
    due = new.get("due") or none
    said = new.get("due_text") or ""
    if said and said != due:
        due = f"{due}（{said}）"
    lines = [
        _("Content: {text}").format(text=new["content"]),
        _("Leaders: {names}").format(names="、".join(leaders) or none),
        _("Lead: {names}").format(names="、".join(lead) or none),
        _("Responsible: {names}").format(names="、".join(responsible) or none),
        _("Deadline: {date}").format(date=due),
    ]
    if new.get("measures"):
        lines.append(_("Measures: {text}").format(text=new["measures"]))
    return "\n".join(esc(line) for line in lines)


def add_confirmed(session: Session, asker: Asker, svc: Services, draft: KeepDraft) -> Step:
    """确认: the task is added; its leaders are told once."""
    _ = asker.translate
    new = draft.new
    due = new.get("due")
    task = (
        add_task(
            session,
            actor=asker.person,
            new=NewTask(
                plan_id=int(new["plan"]),
                content=str(new["content"]),
                leader_ids=tuple(new["leaders"]),
                lead_ids=tuple(new["lead"]),
                responsible_ids=tuple(new["responsible"]),
                due=date.fromisoformat(due) if isinstance(due, str) else None,
                due_text=str(new.get("due_text") or ""),
                measures=str(new.get("measures") or ""),
            ),
            now=svc.now(),
        )
        if may_add(asker.person)
        else None
    )
    if task is None or task.id is None:
        return Step(Reply(esc(_(ONLY_CLERK_ADDS))))
    added = _("Added {task}.").format(task=task_title(session, task.id, _))
    outbox = []
    for person_id in new["leaders"]:
        person = session.get(Person, person_id)
        if person is None or person.id == asker.id or not person.telegram_chat_id:
            continue
        told = translator(person.language or svc.default_language)
        text = told("{name} added a task you lead: {task}").format(
            name=esc(asker.person.name), task=task_title(session, task.id, told)
        )
        outbox.append(Out(person.telegram_chat_id, text))
    return Step(Reply(added), outbox=outbox)


def corrected(text: str, draft: KeepDraft | None) -> StepOf:
    def step(session: Session, asker: Asker, svc: Services) -> Step:
        _ = asker.translate
        if draft is None:
            return Step(Reply(esc(_(STALE))))
        new = read_new(session, text, svc.today())
        if new is None:
            again = _("I can't read a task in that. Send it as: {example}").format(
                example="新增任务：内容，某部门牵头，某人负责，9月底前"
            )
            return Step(Reply(esc(again)), ADD, draft)
        return propose(session, asker, svc, new)

    return step


async def add_answered(update: Update, context: Context) -> object:
    text = update.effective_message.text if update.effective_message else ""
    return await run(update, context, corrected(text or "", draft_of(context)), key=DRAFT)
