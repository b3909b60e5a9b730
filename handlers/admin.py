"""The clerk's chat commands: /invite, /nudge (一键催办) and the task view's nudge button."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session
from telegram import Update

from handlers.common import (
    NUDGE_RESULTS,
    Asker,
    Context,
    Reply,
    Services,
    answer,
    decide,
    invite_link,
    is_private,
    not_bound_short,
    reply,
    services,
    stranger_reply,
    stranger_translator,
)
from ledger.render import esc, number_label
from models.access import task_by_id, task_by_number
from models.people import INVITE_LIFETIME, create_invite, person_for_invite
from models.tables import TaskStatus
from nlu.i18n import N_, Translate


def invite_text(
    *, name: str, link: str, valid_until: str, created: bool, department: str | None, _: Translate
) -> str:
    """What the clerk is told after making an invitation (chat and command line alike)."""
    lines = []
    if created:
        lines.append(
            _("{name} was not in the ledger and has been added as staff.").format(name=name)
        )
    if department:
        lines.append(_("Department: {department}").format(department=department))
    lines.append(
        _("Invitation for {name}, valid once until {time}:").format(name=name, time=valid_until)
    )
    lines.append(link)
    lines.append(
        _("Send this link to them only: whoever opens it first becomes {name}.").format(name=name)
    )
    return "\n".join(lines)


async def invite_command(update: Update, context: Context) -> None:
    """/invite NAME [department]: admins only, in a private chat (the link is a secret)."""
    args, private, bot = context.args or [], is_private(update), context.bot.username

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        return Reply(_invite(session, asker, args, private=private, svc=svc, bot=bot))

    await answer(update, context, respond)


def _invite(
    session: Session, asker: Asker, args: list[str], *, private: bool, svc: Services, bot: str
) -> str:
    _ = asker.translate
    if not asker.is_admin:
        return _("Only the office clerk (an admin) can invite people.")
    if not private:
        return _("Invitations are secret: ask me for one in a private chat.")
    if not args:
        return _("Usage: /invite NAME [department]")
    now = svc.now()
    department = " ".join(args[1:]) or None
    person, created = person_for_invite(session, name=args[0], now=now, department=department)
    code = create_invite(session, person=person, now=now, created_by_id=asker.id)
    valid_until = (now + INVITE_LIFETIME).astimezone(svc.zone)
    return invite_text(
        name=esc(person.name),
        link=esc(invite_link(bot, code)),
        valid_until=valid_until.strftime("%Y-%m-%d %H:%M"),
        created=created,
        department=esc(department) if department else None,
        _=_,
    )


# --- 一键催办 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Nudge:
    task_id: int
    label: str
    by: int
    translate: Translate


def _nudge_target(
    session: Session, asker: Asker, *, number: str | None = None, task_id: int | None = None
) -> _Nudge | Reply:
    _ = asker.translate
    if not asker.is_admin:
        return Reply(_("Only the office clerk (an admin) can nudge."))
    if number is not None:
        view = task_by_number(session, person=asker.person, number=number, plans=asker.plans)
    else:
        assert task_id is not None
        view = task_by_id(session, person=asker.person, task_id=task_id)
    if view is None:
        return Reply(_("I can't find that task."))
    assert view.task.id is not None
    if view.task.status in (TaskStatus.done, TaskStatus.cancelled):
        return Reply(
            _("{task} is closed: there is nobody to nudge.").format(task=esc(number_label(view, _)))
        )
    return _Nudge(view.task.id, number_label(view, _), asker.id, _)


async def _nudge_and_report(update: Update, context: Context, target: _Nudge | Reply) -> None:
    if isinstance(target, Reply):
        await reply(update, target.text)
        return
    svc = services(context)
    assert svc.nudge is not None  # wired by bot.app
    results = await svc.nudge(target.task_id, target.by)
    _ = target.translate
    if not results:
        text = _("{task} has no leader to nudge.").format(task=esc(target.label))
    else:
        each = _("{name} ({result})")
        parts = "、".join(
            each.format(name=esc(name), result=_(NUDGE_RESULTS[result])) for name, result in results
        )
        text = _("Nudged about {task}: {results}").format(task=esc(target.label), results=parts)
    await reply(update, text)


async def nudge_command(update: Update, context: Context) -> None:
    """/nudge 12: remind task 12's leaders now (admins only)."""
    number = " ".join(context.args or []).strip()

    def respond(session: Session, asker: Asker, svc: Services) -> _Nudge | Reply:
        if not number:
            return Reply(asker.translate(N_("Which task? For example: /nudge 12")))
        return _nudge_target(session, asker, number=number.lstrip("#"))

    target = decide(update, context, respond, lambda svc: Reply(stranger_reply(update, svc)))
    await _nudge_and_report(update, context, target)


async def nudge_pressed(update: Update, context: Context) -> None:
    """The task view's 一键催办 button."""
    query = update.callback_query
    assert query is not None and query.data is not None
    raw = query.data.removeprefix("ng:")

    def respond(session: Session, asker: Asker, svc: Services) -> _Nudge | Reply:
        if not raw.isdigit():
            return Reply(asker.translate(N_("This button no longer works.")))
        return _nudge_target(session, asker, task_id=int(raw))

    target = decide(
        update,
        context,
        respond,
        lambda svc: Reply(not_bound_short(stranger_translator(update, svc))),
    )
    await query.answer()
    await _nudge_and_report(update, context, target)
