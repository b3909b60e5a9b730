"""Joining: /start with an invitation code, /help, /lang, and what strangers are told."""

from __future__ import annotations

from telegram import Update

from handlers.common import (
    NOOP,
    Asker,
    Context,
    asker_or_explain,
    identify,
    is_private,
    keyboard,
    not_bound_short,
    not_bound_text,
    reply,
    services,
    show,
    stranger_reply,
    stranger_translator,
)
from ledger.render import esc
from models.db import session_scope
from models.people import (
    Redeemed,
    bind_configured_admin,
    note_private_chat,
    redeem_invite,
    set_language,
)
from models.tables import Person, Role
from nlu.i18n import LANGUAGES, N_, Translate, language_for, translator

LANGUAGE_DATA = r"^lang:"
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}

ROLE_NAMES: dict[str, str] = {
    Role.admin: N_("office clerk (admin)"),
    Role.leader: N_("leader"),
    Role.staff: N_("staff"),
}

_REFUSALS = {
    Redeemed.unknown: N_(
        "This invitation code is not valid. Please check the link, or ask the office clerk "
        "for a new one."
    ),
    Redeemed.used: N_(
        "This invitation has already been used. If you need access, ask the office clerk for "
        "a new link."
    ),
    Redeemed.expired: N_(
        "This invitation has expired. Please ask the office clerk for a new link."
    ),
}


def role_name(role: str, _: Translate) -> str:
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def help_text(person: Person, _: Translate) -> str:
    """What this person can ask, by role."""
    lines = [
        _("What you can ask me, in plain Chinese or with a command:"),
        _("• 我的待办 or /todo: your open tasks, soonest deadline first"),
        _("• 本周到期, 本月到期, 下个月到期 or /due week, /due month, /due next"),
        _("• 逾期的 or /overdue: tasks past their deadline"),
        _("• 第12项 or /task 12: one task in full"),
        _("• 科普大篷车那个任务 or /search 大篷车: find tasks by topic"),
    ]
    if person.role in (Role.admin, Role.leader):
        lines.append(_("• 学会部的任务, 郑昌盛的任务 or /dept 学会部, /leader 郑昌盛"))
    if person.role == Role.admin:
        lines.append(_("• /invite NAME [department]: an invitation link for someone"))
    lines.append(_("• /lang: 中文 / English"))
    lines.append(_("In a group, mention me or use a command."))
    return "\n".join(lines)


def welcome_text(person: Person, _: Translate) -> str:
    return (
        _(
            "Welcome, {name}! This Telegram account is now linked to you in the ledger ({role})."
        ).format(name=f"<b>{esc(person.name)}</b>", role=esc(role_name(person.role, _)))
        + "\n\n"
        + help_text(person, _)
    )


async def start(update: Update, context: Context) -> None:
    """/start, or /start CODE from an invitation link."""
    svc = services(context)
    sender = update.effective_user
    chat = update.effective_chat
    assert sender is not None and chat is not None
    code = context.args[0] if context.args else None
    language = language_for(sender.language_code, svc.default_language)
    with session_scope(svc.engine) as session:
        asker = identify(session, update, svc)
        _ = asker.translate if asker else stranger_translator(update, svc)
        if not is_private(update):
            # A code posted in a group is seen by everyone there: it is not used.
            text = (
                _("Invitations work only in a private chat with me: please open the link again.")
                if code
                else _("Hello! Ask me in a private chat, or mention me here with a question.")
            )
        elif code:
            redemption = redeem_invite(
                session,
                code=code,
                telegram_user_id=sender.id,
                chat_id=chat.id,
                language=language,
                now=svc.now(),
            )
            person = redemption.person
            if redemption.outcome == Redeemed.bound and person is not None:
                text = welcome_text(person, translator(language))
            elif redemption.outcome == Redeemed.already and person is not None:
                text = _("This account is already linked to you, {name}.").format(
                    name=esc(person.name)
                )
            elif redemption.outcome == Redeemed.taken and person is not None:
                text = _(
                    "This Telegram account is already linked to {name}, so the invitation was "
                    "not used. If that is wrong, please tell the office clerk."
                ).format(name=esc(person.name))
            else:
                text = _(_REFUSALS[redemption.outcome])
        elif asker is not None:
            note_private_chat(session, person_id=asker.id, chat_id=chat.id)
            text = _("Hello, {name}!").format(name=esc(asker.person.name))
            text += "\n\n" + help_text(asker.person, _)
        elif sender.id in svc.admin_telegram_ids:
            person = bind_configured_admin(
                session,
                telegram_user_id=sender.id,
                chat_id=chat.id,
                name=sender.full_name,
                language=language,
                now=svc.now(),
            )
            text = welcome_text(person, translator(language))
        else:
            text = not_bound_text(_)
    await reply(update, text)


async def help_command(update: Update, context: Context) -> None:
    asker = await asker_or_explain(update, context)
    if asker is not None:
        await reply(update, help_text(asker.person, asker.translate))


def _language_buttons() -> list[list[tuple[str, str]]]:
    return [[(LANGUAGE_NAMES[language], f"lang:{language}") for language in LANGUAGES]]


def _chosen(argument: str) -> str | None:
    """zh, zh_CN, 中文, en, English … -> our language code."""
    argument = argument.strip().lower()
    if argument in ("中文", "汉语", "chinese", "cn"):
        return "zh_CN"
    if argument in ("english", "英文", "英语"):
        return "en"
    if argument.startswith(("zh", "en")):
        return language_for(argument)
    return None


def _language_set_text(language: str) -> str:
    _ = translator(language)  # said in the language just chosen
    return _("Language set: English.")


async def language_command(update: Update, context: Context) -> None:
    """/lang shows the choice; /lang zh or /lang en sets it."""
    svc = services(context)
    wanted = _chosen(context.args[0]) if context.args else None
    with session_scope(svc.engine) as session:
        asker = identify(session, update, svc)
        if asker is not None and wanted is not None:
            set_language(session, person_id=asker.id, language=wanted)
    if asker is None:
        await reply(update, stranger_reply(update, svc))
    elif wanted is not None:
        await reply(update, _language_set_text(wanted))
    else:
        _ = asker.translate
        await reply(update, _("Choose your language:"), keyboard(_language_buttons()))


async def language_pressed(update: Update, context: Context) -> None:
    """A language button: it sets the language of whoever presses it, nobody else's."""
    query = update.callback_query
    assert query is not None and query.data is not None
    svc = services(context)
    wanted = query.data.removeprefix("lang:")
    with session_scope(svc.engine) as session:
        asker = identify(session, update, svc)
        if asker is not None and wanted in LANGUAGES:
            set_language(session, person_id=asker.id, language=wanted)
    if asker is None:
        await query.answer(not_bound_short(stranger_translator(update, svc)), show_alert=True)
        return
    if wanted not in LANGUAGES:
        _ = asker.translate
        await query.answer(_("This button no longer works."))
        return
    await query.answer()
    await show(query, _language_set_text(wanted), None)


async def unknown_command(update: Update, context: Context) -> None:
    """A command we do not have, in a private chat."""
    asker = await asker_or_explain(update, context)
    if asker is not None:
        await reply(update, _unknown(asker))


def _unknown(asker: Asker) -> str:
    _ = asker.translate
    return _("I don't know that command. /help lists what I can do.")


async def stale_button(update: Update, context: Context) -> None:
    """Any other button press: the page counter, or a button from an older version of the bot."""
    query = update.callback_query
    assert query is not None
    if query.data == NOOP:
        await query.answer()
        return
    _ = stranger_translator(update, services(context))
    await query.answer(_("This button no longer works."))
