"""Joining: /start with an invitation code, /help, /lang, and what strangers are told."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update

from handlers.common import (
    LANGUAGE_NAMES,
    NOOP,
    Asker,
    Context,
    Notice,
    Reply,
    Services,
    answer,
    answer_press,
    help_text,
    identify,
    is_private,
    keyboard,
    not_bound_text,
    reply,
    role_name,
    services,
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
from models.tables import Person
from nlu.i18n import LANGUAGES, N_, Translate, language_for, translator

LANGUAGE_DATA = r"^lang:"

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
        asker = identify(session, update, context)
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
            note_private_chat(session, person=asker.person, chat_id=chat.id)
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
    await answer(update, context, lambda session, asker, svc: Reply(_help(asker)))


def _help(asker: Asker) -> str:
    return help_text(asker.person, asker.translate)


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
    wanted = _chosen(context.args[0]) if context.args else None

    def respond(session: Session, asker: Asker, svc: Services) -> Reply:
        if wanted is None:
            _ = asker.translate
            return Reply(_("Choose your language:"), keyboard(_language_buttons()))
        set_language(session, person_id=asker.id, language=wanted)
        return Reply(_language_set_text(wanted))

    await answer(update, context, respond)


async def language_pressed(update: Update, context: Context) -> None:
    """A language button: it sets the language of whoever presses it, nobody else's."""
    query = update.callback_query
    assert query is not None and query.data is not None
    wanted = query.data.removeprefix("lang:")

    def respond(session: Session, asker: Asker, svc: Services) -> Reply | Notice:
        if wanted not in LANGUAGES:
            _ = asker.translate
            return Notice(_("This button no longer works."), alert=False)
        set_language(session, person_id=asker.id, language=wanted)
        return Reply(_language_set_text(wanted))

    await answer_press(update, context, respond)


async def unknown_command(update: Update, context: Context) -> None:
    """A command we do not have, in a private chat."""
    await answer(update, context, lambda session, asker, svc: Reply(_unknown(asker)))


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
