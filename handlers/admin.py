"""The clerk's chat commands: /invite."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update

from handlers.common import Asker, Context, Reply, Services, answer, is_private
from ledger.render import esc
from models.people import INVITE_LIFETIME, create_invite, person_for_invite
from nlu.i18n import Translate


def invite_link(bot_username: str, code: str) -> str:
    """The deep link that opens a private chat with the bot and sends /start CODE."""
    return f"https://t.me/{bot_username}?start={code}"


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
